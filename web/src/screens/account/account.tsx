import type { AccountPath } from '../../paths.ts';
import { Link } from '../../router.tsx';
import { ScreenTitle } from '../../components.tsx';
import { ExportLinks } from './export.tsx';
import { ImportBookmarks } from './import.tsx';
import { Tokens } from './tokens.tsx';

/**
 * The account area: import, export, and personal tokens and sessions. Loaded on first visit only (app.tsx), so
 * the first load of the client stays small.
 */
export function AccountScreen(props: { path: AccountPath; query: URLSearchParams }) {
  const { path, query } = props;
  return (
    <>
      <AccountNav path={path} />
      {path === '/account' && <AccountOverview />}
      {path === '/account/import' && <ImportBookmarks importId={query.get('id') ?? ''} />}
      {path === '/account/export' && <ExportLinks />}
      {path === '/account/tokens' && <Tokens />}
    </>
  );
}

const SCREENS: { path: AccountPath; name: string; about: string }[] = [
  {
    path: '/account/import',
    name: 'Import',
    about: 'Bring bookmarks in from a browser or another service (a Netscape HTML file or Pinboard JSON).',
  },
  {
    path: '/account/export',
    name: 'Export',
    about: 'Download all your links as a bookmark file or as JSON.',
  },
  {
    path: '/account/tokens',
    name: 'Tokens and sessions',
    about: 'Personal tokens for scripts and feed readers; where you are signed in; log out everywhere.',
  },
];

function AccountNav(props: { path: AccountPath }) {
  return (
    <nav aria-label="Account" class="subnav">
      <Link href="/account" current={props.path === '/account'}>
        Account
      </Link>
      {SCREENS.map((screen) => (
        <Link key={screen.path} href={screen.path} current={props.path === screen.path}>
          {screen.name}
        </Link>
      ))}
    </nav>
  );
}

function AccountOverview() {
  return (
    <section aria-labelledby="screen-title" class="narrow">
      <ScreenTitle>Account</ScreenTitle>
      <ul class="overview">
        {SCREENS.map((screen) => (
          <li key={screen.path}>
            <Link href={screen.path}>{screen.name}</Link>
            <p>{screen.about}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
