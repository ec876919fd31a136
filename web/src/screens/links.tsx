import { useEffect, useRef, useState } from 'preact/hooks';
import { answer, api, problemFrom, type ApiProblem, type Link as SavedLink } from '../api/client.ts';
import { ForScreenReaders, HealthBadge, ProblemNotice, ScreenTitle } from '../components.tsx';
import { usePagedList } from '../paging.ts';
import { Link, navigate } from '../router.tsx';
import { SearchBox } from './search-box.tsx';

const PAGE_SIZE = 20;
/** How long a deleted link can be brought back with Undo. */
export const UNDO_SECONDS = 8;

interface Deleted {
  link: SavedLink;
  /** Where it stood in the list, to put it back there. */
  index: number;
}

/**
 * My links, newest first (best match first for a search), a page at a time, optionally of one tag or matching a
 * query; each can be edited, or deleted with undo.
 */
export function Links(props: { tag: string; query: string }) {
  const { tag, query } = props;
  // Another tag or query (or a retry) loads the first page again, replacing the list.
  const list = usePagedList<SavedLink>(JSON.stringify([tag, query]), async (startToken) => {
    const page = answer(
      await api.GET('/v1/links', {
        params: {
          query: {
            limit: PAGE_SIZE,
            ...(tag ? { tag } : {}),
            ...(query ? { q: query } : {}),
            ...(startToken ? { start_token: startToken } : {}),
          },
        },
      }),
    );
    return { items: page.links, nextToken: page.next_token };
  });
  const links = list.items;
  /** A failed delete, undo or snapshot: the list itself stays as it is. */
  const [actionProblem, setActionProblem] = useState<ApiProblem>();
  const [deleted, setDeleted] = useState<Deleted>();
  const undoButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!deleted) return;
    undoButton.current?.focus();
    const timer = setTimeout(() => setDeleted(undefined), UNDO_SECONDS * 1000);
    return () => clearTimeout(timer);
  }, [deleted]);

  const remove = async (link: SavedLink) => {
    setActionProblem(undefined);
    try {
      answer(await api.DELETE('/v1/links', { params: { query: { url: link.url } } }));
      setDeleted({ link, index: links.findIndex((shown) => shown.url === link.url) });
      list.update((shown) => shown.filter((other) => other.url !== link.url));
    } catch (error) {
      setActionProblem(problemFrom(error));
    }
  };

  const undo = async () => {
    if (!deleted) return;
    const { link, index } = deleted;
    setDeleted(undefined);
    try {
      const { link: restored } = answer(
        await api.POST('/v1/links', {
          body: {
            url: link.url,
            title: link.title,
            description: link.description,
            tags: link.tags,
            private: link.private,
          },
        }),
      );
      list.update((shown) => [...shown.slice(0, index), restored, ...shown.slice(index)]);
    } catch (error) {
      setActionProblem(problemFrom(error));
    }
  };

  const openSnapshot = async (link: SavedLink) => {
    setActionProblem(undefined);
    try {
      const download = answer(
        await api.GET('/v1/links/snapshot', {
          params: { query: { url: link.url } },
          headers: { accept: 'application/json' },
        }),
      );
      // A download (the service serves snapshots as attachments): the page is saved, never rendered here.
      location.assign(download.download_url);
    } catch (error) {
      setActionProblem(problemFrom(error));
    }
  };

  // A malformed query is shown next to the search box, not as a failure of the list.
  const queryProblem = list.problem?.status === 400 && query ? list.problem : undefined;
  const listProblem = queryProblem ? undefined : list.problem;

  return (
    <section aria-labelledby="screen-title">
      <ScreenTitle>{tag ? `My links tagged ${tag}` : 'My links'}</ScreenTitle>
      <SearchBox
        label="Search my links"
        query={query}
        problem={queryProblem}
        onSearch={(typed) => navigate(listingPath({ tag, query: typed }))}
      />
      <TagFilter tag={tag} query={query} />
      <div aria-live="polite">
        {deleted && (
          <div class="notice" role="status">
            <p>Deleted “{deleted.link.title || deleted.link.url}”.</p>
            <button type="button" ref={undoButton} onClick={() => void undo()}>
              Undo
            </button>
          </div>
        )}
      </div>
      {actionProblem && <ProblemNotice problem={actionProblem} />}
      {listProblem && <ProblemNotice problem={listProblem} onRetry={list.reload} />}
      {!list.loading && !list.problem && links.length === 0 && !list.nextToken && (
        <p class="empty">
          {query ? 'No link matches.' : tag ? `No links tagged ${tag}.` : 'No links yet.'}{' '}
          <Link href="/add">Add a link</Link>
        </p>
      )}
      <ul class="links" aria-busy={list.loading}>
        {links.map((link) => (
          <LinkItem
            key={link.url}
            link={link}
            onDelete={() => void remove(link)}
            onOpenSnapshot={() => void openSnapshot(link)}
          />
        ))}
      </ul>
      {list.loading && <p role="status">Loading…</p>}
      {!list.loading && list.nextToken && (
        <button type="button" onClick={list.more}>
          More links
        </button>
      )}
    </section>
  );
}

/** The listing's address for a tag and a query, either optional. */
function listingPath(filters: { tag: string; query: string }): string {
  const search = new URLSearchParams();
  if (filters.tag) search.set('tag', filters.tag);
  if (filters.query) search.set('q', filters.query);
  const encoded = search.toString();
  return encoded ? `/?${encoded}` : '/';
}

function TagFilter(props: { tag: string; query: string }) {
  const [tags, setTags] = useState<{ name: string; count: number }[]>([]);
  const [typed, setTyped] = useState(props.tag);
  useEffect(() => {
    setTyped(props.tag);
  }, [props.tag]);
  useEffect(() => {
    // Completion only: the filter works without it.
    void api.GET('/v1/tags').then(({ data }) => setTags(data?.tags ?? []));
  }, []);
  const filter = (event: Event) => {
    event.preventDefault();
    const tag = typed.trim().toLowerCase();
    navigate(listingPath({ tag, query: props.query }));
  };
  return (
    <form role="search" aria-label="Filter" class="filter" onSubmit={filter}>
      <label for="tag-filter">Tag</label>
      <input
        id="tag-filter"
        name="tag"
        list="tag-options"
        value={typed}
        onInput={(event) => setTyped(event.currentTarget.value)}
      />
      <datalist id="tag-options">
        {tags.map((tag) => (
          <option key={tag.name} value={tag.name}>{`${tag.name} (${tag.count})`}</option>
        ))}
      </datalist>
      <button type="submit">Filter</button>
      {(props.tag || props.query) && <Link href="/">Show all</Link>}
    </form>
  );
}

function LinkItem(props: { link: SavedLink; onDelete: () => void; onOpenSnapshot: () => void }) {
  const { link } = props;
  const name = link.title || link.url;
  return (
    <li class="link">
      <h2>
        <a href={link.url} target="_blank" rel="noopener noreferrer">
          {name}
        </a>
      </h2>
      <p class="url">{link.url}</p>
      {link.description && <p>{link.description}</p>}
      <p class="meta">
        <HealthBadge link={link} />
        {link.private && <span class="badge">private</span>}
        {link.tags.map((tag) => (
          <Link key={tag} class="tag" href={`/?tag=${encodeURIComponent(tag)}`}>
            <ForScreenReaders>tag </ForScreenReaders>
            {tag}
          </Link>
        ))}
      </p>
      <p class="actions">
        <Link href={`/edit?url=${encodeURIComponent(link.url)}`}>
          Edit<ForScreenReaders> {name}</ForScreenReaders>
        </Link>
        <button type="button" class="link-button" onClick={props.onDelete}>
          Delete<ForScreenReaders> {name}</ForScreenReaders>
        </button>
        {link.status !== 'pending' && (
          // The checker keeps a snapshot of the page from its first look.
          <button type="button" class="link-button" onClick={props.onOpenSnapshot}>
            Snapshot<ForScreenReaders> of {name}</ForScreenReaders>
          </button>
        )}
      </p>
    </li>
  );
}
