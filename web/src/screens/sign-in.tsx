import { useState } from 'preact/hooks';
import { answer, api, problemFrom, type ApiProblem } from '../api/client.ts';
import { ProblemNotice, ScreenTitle } from '../components.tsx';
import { safeReturnPath } from '../paths.ts';
import { navigate } from '../router.tsx';
import { startSession } from '../session.ts';

/**
 * Sign in: GitHub (the service's /login, whose last page shows a token to paste here until the cookie session
 * comes), an access token, or on the local runtime a username over /dev/login, which issues one without GitHub. Afterwards the reader goes back where they were headed (`next`), e.g. a bookmarklet's
 * add form.
 */
export function SignIn(props: { next: string | null }) {
  const [username, setUsername] = useState('');
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<ApiProblem>();
  const [busy, setBusy] = useState(false);

  const signIn = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      const token = answer(await api.POST('/dev/login', { body: { username } }));
      startSession({ token: token.access_token, username: token.user.username });
      navigate(safeReturnPath(props.next), { replace: true });
    } catch (error) {
      setProblem(problemFrom(error));
      setBusy(false);
    }
  };

  const signInWithToken = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      const me = answer(await api.GET('/v1/me', { headers: { authorization: `Bearer ${token.trim()}` } }));
      startSession({ token: token.trim(), username: me.username });
      navigate(safeReturnPath(props.next), { replace: true });
    } catch (error) {
      setProblem(problemFrom(error));
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="screen-title" class="narrow">
      <ScreenTitle>Sign in</ScreenTitle>
      <p>
        <a class="button" href="/login">
          Sign in with GitHub
        </a>
      </p>
      <h2>Local development</h2>
      <p>On the local runtime, any username signs in without GitHub.</p>
      <form onSubmit={signIn}>
        <label for="username">Username</label>
        <input
          id="username"
          name="username"
          autocomplete="username"
          required
          pattern="[A-Za-z0-9][A-Za-z0-9\-]{0,38}"
          aria-describedby="username-hint"
          value={username}
          onInput={(event) => setUsername(event.currentTarget.value)}
        />
        <p id="username-hint" class="hint">
          Letters, digits and hyphens, as a GitHub login.
        </p>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      <h2>With an access token</h2>
      <p>The page that GitHub sign-in ends on shows an access token: paste it here.</p>
      <form onSubmit={signInWithToken}>
        <label for="access-token">Access token</label>
        <input
          id="access-token"
          name="access-token"
          type="password"
          autocomplete="off"
          required
          value={token}
          onInput={(event) => setToken(event.currentTarget.value)}
        />
        <button type="submit" disabled={busy}>
          Use token
        </button>
      </form>
      {problem && <ProblemNotice problem={problem} />}
    </section>
  );
}
