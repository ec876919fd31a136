import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/** A small history router: the screens are few, and the URL (path and query) is the whole navigation state. */
const NAVIGATED = 'delinkcious:navigated';

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAVIGATED));
}

/** The current location, updated on every navigation (links, the back button, `navigate`). */
export function useLocation(): URL {
  const [href, setHref] = useState(location.href);
  useEffect(() => {
    const update = () => setHref(location.href);
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATED, update);
    };
  }, []);
  return new URL(href);
}

/** A link to one of the client's screens: navigates in place, unless the reader asked for a new tab. */
export function Link(props: {
  href: string;
  children: ComponentChildren;
  class?: string;
  /** This link is to the screen shown (`aria-current="page"`). */
  current?: boolean;
}) {
  const onClick = (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(props.href);
  };
  return (
    <a
      href={props.href}
      class={props.class}
      onClick={onClick}
      aria-current={props.current ? 'page' : undefined}
    >
      {props.children}
    </a>
  );
}
