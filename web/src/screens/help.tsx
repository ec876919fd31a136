import { ScreenTitle } from '../components.tsx';
import { UNDO_SECONDS } from './links.tsx';

/**
 * The bookmarklet: a bookmark whose address is a script. Clicked on any page, it opens this client's add form
 * filled with that page's address and title (`/add?url=&title=`); one more click saves it.
 */
export function bookmarklet(origin: string): string {
  return (
    `javascript:location.href=${JSON.stringify(`${origin}/add?url=`)}` +
    `+encodeURIComponent(location.href)+'&title='+encodeURIComponent(document.title)`
  );
}

export function Help() {
  return (
    <section aria-labelledby="screen-title" class="narrow">
      <ScreenTitle>Help</ScreenTitle>
      <h2>Save any page: the bookmarklet</h2>
      <p>
        Drag this link to your browser's bookmarks bar:{' '}
        <a class="bookmarklet" id="bookmarklet" href={bookmarklet(location.origin)}>
          Save to Delinkcious
        </a>
        . On any page, click it: the add form opens with the page's address and title, and one more click
        saves it. (Or bookmark any page and set its address to the link's target.)
      </p>
      <h2>Keyboard</h2>
      <p>
        Every screen works with the keyboard: Tab moves between links, fields and buttons, Enter follows or
        submits. After deleting a link, Undo has the focus for {UNDO_SECONDS} seconds.
      </p>
      <h2>The API</h2>
      <p>
        Everything here is also an HTTP API, described at <a href="/docs">/docs</a> (OpenAPI document:{' '}
        <a href="/openapi.json">/openapi.json</a>).
      </p>
    </section>
  );
}
