import { useEffect, useState } from 'preact/hooks';
import { answer, api, devSignInAvailable, problemFrom, type ApiProblem } from '../api/client.ts';
import { ProblemNotice, ScreenTitle } from '../components.tsx';
import { safeReturnPath } from '../paths.ts';
import { navigate } from '../router.tsx';
import { startSession } from '../session.ts';

/**
 * Sign in: GitHub (the service's /login, which ends back in the client with the session cookie set), on the local
 * runtime a username over /dev/login (the same cookie, without GitHub; the form shows only where the service
 * offers it), or a personal token pasted for this tab. Afterwards the reader goes back where they were headed
 * (`next`), e.g. a bookmarklet's add form.
 */
export function SignIn(props: { next: string | null }) {
  const [username, setUsername] = useState('');
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<ApiProblem>();
  const [busy, setBusy] = useState(false);
  const [devSignIn, setDevSignIn] = useState(false);
  useEffect(() => {
    void devSignInAvailable().then(setDevSignIn);
  }, []);

  const signIn = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      // The answer sets the session cookie; the token it also carries (for curl) is not kept here.
      const signedIn = answer(await api.POST('/dev/login', { body: { username } }));
      startSession({ username: signedIn.user.username });
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
        <a class="button" href={gitHubSignIn(props.next)}>
          Sign in with GitHub
        </a>
      </p>
      <h2>With a personal token</h2>
      <p>A personal token signs in this tab only, until you sign out or close it.</p>
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
      {/* Last, as it shows only once the service has said it offers it: nothing above it moves. */}
      {devSignIn && (
        <>
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
        </>
      )}
      {problem && <ProblemNotice problem={problem} />}
    </section>
  );
}

/** The service's GitHub sign-in, which brings the browser back to `next` once signed in. */
function gitHubSignIn(next: string | null): string {
  const path = safeReturnPath(next);
  return path === '/' ? '/login' : `/login?${new URLSearchParams({ next: path })}`;
}
