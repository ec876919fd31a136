import { answer, api, type NewsEvent } from '../api/client.ts';
import { ForScreenReaders, ProblemNotice, ScreenTitle } from '../components.tsx';
import { usePagedList } from '../paging.ts';
import { profilePath } from '../paths.ts';
import { Link } from '../router.tsx';

const PAGE_SIZE = 20;

const VERBS: Record<NewsEvent['event_type'], string> = {
  link_added: 'added',
  link_updated: 'updated',
  link_deleted: 'deleted',
};

/** News: what the people the caller follows did to their public links, newest first. */
export function News() {
  const news = usePagedList<NewsEvent>('news', async (startToken) => {
    const page = answer(
      await api.GET('/v1/news', {
        params: { query: { limit: PAGE_SIZE, ...(startToken ? { start_token: startToken } : {}) } },
      }),
    );
    return { items: page.events, nextToken: page.next_token };
  });
  return (
    <section aria-labelledby="screen-title">
      <ScreenTitle>News</ScreenTitle>
      <p>
        <button type="button" onClick={news.reload} disabled={news.loading}>
          Refresh
        </button>{' '}
        <span class="hint">
          Or follow it in a feed reader: create a token of scope feed in{' '}
          <Link href="/account/tokens">Tokens and sessions</Link>, which gives its address.
        </span>
      </p>
      {news.problem && <ProblemNotice problem={news.problem} onRetry={news.reload} />}
      {!news.loading && !news.problem && news.items.length === 0 && (
        <p class="empty">
          No news yet. <Link href="/people">Follow people</Link> to see what they save.
        </p>
      )}
      <ul class="news" aria-busy={news.loading}>
        {news.items.map((event) => (
          <NewsItem key={event.id} event={event} />
        ))}
      </ul>
      {news.loading && <p role="status">Loading…</p>}
      {!news.loading && news.nextToken && (
        <button type="button" onClick={news.more}>
          More<ForScreenReaders> news</ForScreenReaders>
        </button>
      )}
    </section>
  );
}

function NewsItem(props: { event: NewsEvent }) {
  const { event } = props;
  const name = event.title || event.url;
  return (
    <li class="news-event">
      <Link href={profilePath(event.username)}>{event.username}</Link> {VERBS[event.event_type]}{' '}
      {event.event_type === 'link_deleted' ? (
        <span class="title">{name}</span>
      ) : (
        <a href={event.url} target="_blank" rel="noopener noreferrer">
          {name}
        </a>
      )}{' '}
      <time class="meta" dateTime={event.timestamp}>
        {new Date(event.timestamp).toLocaleString()}
      </time>
    </li>
  );
}
