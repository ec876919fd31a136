import { useEffect, useRef } from 'preact/hooks';
import { api, onUnauthorized } from './api/client.ts';
import { isFixedClientPath, profileUsername } from './paths.ts';
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
