import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { answer, api, problemFrom, type ApiProblem } from '../api/client.ts';
import { ForScreenReaders, ProblemNotice, ScreenTitle } from '../components.tsx';
import { usePagedList, type PagedList } from '../paging.ts';
import { profilePath } from '../paths.ts';
import { Link } from '../router.tsx';

const PAGE_SIZE = 50;

interface Person {
  username: string;
  since: string;
}

/** Follows `username`; an existing follow counts as done. */
export async function follow(username: string): Promise<void> {
  try {
    answer(await api.POST('/v1/following', { body: { username } }));
  } catch (error) {
    if (problemFrom(error).code !== 'already_following') throw error;
  }
}

/** Stops following `username`; not following already counts as done. */
export async function unfollow(username: string): Promise<void> {
  try {
    answer(await api.DELETE('/v1/following/{username}', { params: { path: { username } } }));
  } catch (error) {
    if (problemFrom(error).status !== 404) throw error;
  }
}

/** Whether the caller follows `username`, looking through whom they follow, a page at a time. */
export async function isFollowing(username: string): Promise<boolean> {
  let startToken: string | undefined;
  do {
    const page = answer(
      await api.GET('/v1/following', {
        params: { query: { limit: 100, ...(startToken ? { start_token: startToken } : {}) } },
      }),
    );
    if (page.users.some((user) => user.username === username)) return true;
    startToken = page.next_token ?? undefined;
  } while (startToken);
  return false;
}

/** People: follow someone by username; whom the caller follows (each can be unfollowed) and who follows them. */
export function People() {
  const [changes, setChanges] = useState(0);
  const following = usePagedList<Person>(`following-${changes}`, async (startToken) => {
    const page = answer(
      await api.GET('/v1/following', {
        params: { query: { limit: PAGE_SIZE, ...(startToken ? { start_token: startToken } : {}) } },
      }),
    );
    return { items: page.users, nextToken: page.next_token };
  });
  const followers = usePagedList<Person>('followers', async (startToken) => {
    const page = answer(
      await api.GET('/v1/followers', {
        params: { query: { limit: PAGE_SIZE, ...(startToken ? { start_token: startToken } : {}) } },
      }),
    );
    return { items: page.users, nextToken: page.next_token };
  });
  const [problem, setProblem] = useState<ApiProblem>();
  const [status, setStatus] = useState('');

  /** Says whether it worked: a failed follow keeps the typed name in the form, to correct it. */
  const changeFollow = async (username: string, to: 'follow' | 'unfollow'): Promise<boolean> => {
    setProblem(undefined);
    setStatus('');
    try {
      await (to === 'follow' ? follow(username) : unfollow(username));
      setStatus(to === 'follow' ? `Following ${username}.` : `No longer following ${username}.`);
      setChanges((count) => count + 1);
      return true;
    } catch (error) {
      setProblem(problemFrom(error));
      return false;
    }
  };

  return (
    <section aria-labelledby="screen-title">
      <ScreenTitle>People</ScreenTitle>
      <FollowForm onFollow={(username) => changeFollow(username, 'follow')} />
      <div aria-live="polite">{status && <p role="status">{status}</p>}</div>
      {problem && <ProblemNotice problem={problem} />}

      <h2 id="following-heading">Following</h2>
      <PeopleList
        labelledBy="following-heading"
        list={following}
        empty="You follow nobody yet."
        action={(person) => (
          <button
            type="button"
            class="link-button"
            onClick={() => void changeFollow(person.username, 'unfollow')}
          >
            Unfollow<ForScreenReaders> {person.username}</ForScreenReaders>
          </button>
        )}
      />

      <h2 id="followers-heading">Followers</h2>
      <PeopleList labelledBy="followers-heading" list={followers} empty="Nobody follows you yet." />
    </section>
  );
}

function FollowForm(props: { onFollow: (username: string) => Promise<boolean> }) {
  const [typed, setTyped] = useState('');
  const submit = async (event: Event) => {
    event.preventDefault();
    const username = typed.trim();
    if (!username) return;
    if (await props.onFollow(username)) setTyped('');
  };
  return (
    <form class="filter" onSubmit={(event) => void submit(event)}>
      <label for="follow-username">Username</label>
      <input
        id="follow-username"
        name="username"
        autocomplete="off"
        required
        value={typed}
        onInput={(event) => setTyped(event.currentTarget.value)}
      />
      <button type="submit">Follow</button>
    </form>
  );
}

function PeopleList(props: {
  labelledBy: string;
  list: PagedList<Person>;
  empty: string;
  action?: (person: Person) => ComponentChildren;
}) {
  const { list } = props;
  return (
    <>
      {list.problem && <ProblemNotice problem={list.problem} onRetry={list.reload} />}
      {!list.loading && !list.problem && list.items.length === 0 && <p class="empty">{props.empty}</p>}
      <ul class="people" aria-labelledby={props.labelledBy} aria-busy={list.loading}>
        {list.items.map((person) => (
          <li key={person.username}>
            <Link href={profilePath(person.username)}>{person.username}</Link>
            {props.action?.(person)}
          </li>
        ))}
      </ul>
      {list.loading && <p role="status">Loading…</p>}
      {!list.loading && list.nextToken && (
        <button type="button" onClick={list.more}>
          More<ForScreenReaders> people</ForScreenReaders>
        </button>
      )}
    </>
  );
}

/** The follow button on a profile: says what pressing it does, and reflects the answer. */
export function FollowButton(props: { username: string }) {
  const { username } = props;
  const [following, setFollowing] = useState<boolean>();
  const [problem, setProblem] = useState<ApiProblem>();
  useEffect(() => {
    setFollowing(undefined);
    isFollowing(username).then(setFollowing, (error: unknown) => setProblem(problemFrom(error)));
  }, [username]);
  const toggle = async () => {
    setProblem(undefined);
    try {
      if (following) await unfollow(username);
      else await follow(username);
      setFollowing(!following);
    } catch (error) {
      setProblem(problemFrom(error));
    }
  };
  return (
    <>
      {following === undefined ? (
        <button type="button" class="placeholder" disabled>
          Unfollow {username}
        </button>
      ) : (
        <button type="button" onClick={() => void toggle()}>
          {following ? 'Unfollow' : 'Follow'} {username}
        </button>
      )}
      {problem && <ProblemNotice problem={problem} />}
    </>
  );
}
