import { useEffect, useRef } from 'preact/hooks';
import { api, ApiProblem, onUnauthorized } from './api/client.ts';
import { ProblemNotice } from './components.tsx';
import { useLazyModule } from './lazy.ts';
import { isAccountPath, isFixedClientPath, profileUsername, type AccountPath } from './paths.ts';
import { Link, navigate, useLocation } from './router.tsx';
import { AddLink, EditLink } from './screens/link-form.tsx';
import { Help } from './screens/help.tsx';
import { Links } from './screens/links.tsx';
import { News } from './screens/news.tsx';
import { People } from './screens/people.tsx';
import { Profile } from './screens/profile.tsx';
import { SignIn } from './screens/sign-in.tsx';
import { currentSession, endSession } from './session.ts';

/** Where to sign in, coming back here afterwards. */
function signInPath(): string {
  return `/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`;
}

export function App() {
  const here = useLocation();
  const session = currentSession();
  const path = here.pathname;
  const needsSession = path !== '/sign-in' && !session;

  // A 401 anywhere (expired, revoked, signed out elsewhere) goes back to sign in.
  useEffect(() => onUnauthorized(() => navigate(signInPath(), { replace: true })), []);
  useEffect(() => {
    if (needsSession) navigate(signInPath(), { replace: true });
  }, [needsSession]);
  // After navigating, the new screen's heading takes the focus: screen readers announce it, Tab starts there.
  const shownPath = useRef(path);
  useEffect(() => {
    if (shownPath.current === path) return;
    shownPath.current = path;
    document.getElementById('screen-title')?.focus();
  }, [path]);

  const signOut = async () => {
    await api.POST('/logout').catch(() => undefined);
    endSession();
    navigate('/sign-in', { replace: true });
  };

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <Link href="/" class="brand">
          Delinkcious
        </Link>
        {session && (
          <nav aria-label="Main">
            <Link href="/">My links</Link>
            <Link href="/add">Add</Link>
            <Link href="/news">News</Link>
            <Link href="/people">People</Link>
            <Link href="/account">Account</Link>
            <Link href="/help">Help</Link>
            <button type="button" class="link-button" onClick={() => void signOut()}>
              Sign out {session.username}
            </button>
          </nav>
        )}
      </header>
      <main id="main">{needsSession ? null : <Screen url={here} />}</main>
    </>
  );
}

function Screen(props: { url: URL }) {
  const { pathname: path, searchParams: query } = props.url;
  const profileOf = profileUsername(path);
  if (profileOf !== undefined) return <Profile username={profileOf} query={query.get('q') ?? ''} />;
  if (!isFixedClientPath(path)) return <NotFound />;
  if (isAccountPath(path)) return <Account path={path} query={query} />;
  switch (path) {
    case '/sign-in':
      return <SignIn next={query.get('next')} />;
    case '/':
      return <Links tag={query.get('tag') ?? ''} query={query.get('q') ?? ''} />;
    case '/add':
      return <AddLink url={query.get('url') ?? ''} title={query.get('title') ?? ''} />;
    case '/edit':
      return <EditLink url={query.get('url') ?? ''} />;
    case '/help':
      return <Help />;
    case '/news':
      return <News />;
    case '/people':
      return <People />;
  }
}

const loadAccount = () => import('./screens/account/account.tsx');

/** The account screens (import, export, tokens): a file of their own, loaded on the first visit. */
function Account(props: { path: AccountPath; query: URLSearchParams }) {
  const { module, failed, retry } = useLazyModule(loadAccount);
  if (failed) {
    const problem = new ApiProblem(
      0,
      'network',
      'This screen could not be loaded. Check the connection and retry.',
    );
    return <ProblemNotice problem={problem} onRetry={retry} />;
  }
  if (!module) return <p role="status">Loading…</p>;
  return <module.AccountScreen path={props.path} query={props.query} />;
}

function NotFound() {
  return (
    <section>
      <h1>Not found</h1>
      <p>
        Nothing here. <Link href="/">Back to my links</Link>
      </p>
    </section>
  );
}
