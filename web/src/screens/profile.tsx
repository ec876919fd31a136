import { answer, api, type Link as SavedLink } from '../api/client.ts';
import { ForScreenReaders, ProblemNotice, ScreenTitle } from '../components.tsx';
import { usePagedList } from '../paging.ts';
import { navigate } from '../router.tsx';
import { currentSession } from '../session.ts';
import { FollowButton } from './people.tsx';
import { SearchBox } from './search-box.tsx';

const PAGE_SIZE = 20;

/** A person's public profile: their public links (searchable), follow or unfollow, their page and feed. */
export function Profile(props: { username: string; query: string }) {
  const { username, query } = props;
  const links = usePagedList<SavedLink>(`${username}\n${query}`, async (startToken) => {
    const page = answer(
      await api.GET('/v1/users/{username}/links', {
        params: {
          path: { username },
          query: {
            limit: PAGE_SIZE,
            ...(query ? { q: query } : {}),
            ...(startToken ? { start_token: startToken } : {}),
          },
        },
        // The browser may hold an older copy of the route: revalidate (a 304 with the ETag is cheap).
        cache: 'no-cache',
      }),
    );
    return { items: page.links, nextToken: page.next_token };
  });
  const unknown = links.problem?.status === 404;
  const own = currentSession()?.username === username;
  const here = `/people/${encodeURIComponent(username)}`;

  if (unknown)
    return (
      <section aria-labelledby="screen-title">
        <ScreenTitle>No such user</ScreenTitle>
        <p>Nobody is called “{username}” here.</p>
      </section>
    );
  // A malformed query is shown next to the box; any other problem above the list.
  const queryProblem = links.problem?.status === 400 ? links.problem : undefined;
  return (
    <section aria-labelledby="screen-title">
      <ScreenTitle>{`${username}'s links`}</ScreenTitle>
      <p class="actions">
        {!own && <FollowButton username={username} />}
        <a href={`/u/${encodeURIComponent(username)}`}>Shareable page</a>
        <a href={`/users/${encodeURIComponent(username)}/feed.atom`}>Atom feed</a>
      </p>
      <SearchBox
        label={`Search ${username}'s links`}
        query={query}
        problem={queryProblem}
        onSearch={(typed) => navigate(typed ? `${here}?q=${encodeURIComponent(typed)}` : here)}
      />
      {links.problem && !queryProblem && <ProblemNotice problem={links.problem} onRetry={links.reload} />}
      {!links.loading && !links.problem && links.items.length === 0 && !links.nextToken && (
        <p class="empty">{query ? 'No public link matches.' : 'No public links yet.'}</p>
      )}
      <ul class="links" aria-busy={links.loading}>
        {links.items.map((link) => (
          <PublicLinkItem key={link.url} link={link} />
        ))}
      </ul>
      {links.loading && <p role="status">Loading…</p>}
      {!links.loading && links.nextToken && (
        <button type="button" onClick={links.more}>
          More links
        </button>
      )}
    </section>
  );
}

function PublicLinkItem(props: { link: SavedLink }) {
  const { link } = props;
  return (
    <li class="link">
      <h2>
        <a href={link.url} target="_blank" rel="noopener noreferrer">
          {link.title || link.url}
        </a>
      </h2>
      <p class="url">{link.url}</p>
      {link.description && <p>{link.description}</p>}
      {link.tags.length > 0 && (
        <p class="meta">
          {link.tags.map((tag) => (
            <span key={tag} class="tag">
              <ForScreenReaders>tag </ForScreenReaders>
              {tag}
            </span>
          ))}
        </p>
      )}
    </li>
  );
}
