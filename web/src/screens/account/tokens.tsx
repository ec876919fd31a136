import { useEffect, useRef, useState } from 'preact/hooks';
import { answer, api, problemFrom, type ApiProblem } from '../../api/client.ts';
import type { components } from '../../api/schema';
import { ForScreenReaders, ProblemNotice, ScreenTitle } from '../../components.tsx';
import { usePagedList } from '../../paging.ts';
import { newsFeedUrl } from '../../paths.ts';
import { navigate } from '../../router.tsx';
import { endSession } from '../../session.ts';

type Token = components['schemas']['Token'];
type CreatedToken = components['schemas']['CreatedToken'];
type Scope = CreatedToken['scope'];

const SCOPES: { scope: Scope; label: string }[] = [
  { scope: 'read', label: 'read: every read, no change' },
  { scope: 'write', label: 'write: everything but tokens and deleting the account' },
  { scope: 'feed', label: 'feed: your news feed only (for feed readers)' },
];

const when = (timestamp: string | null, otherwise: string) =>
  timestamp ? new Date(timestamp).toLocaleString() : otherwise;

/**
 * Personal tokens and login sessions: list them, create a token (its secret shown once, with a copy button),
 * revoke one after confirming, or log out everywhere. Managing tokens needs a login session: a personal token
 * gets the service's 403, shown as it is.
 */
export function Tokens() {
  // Sessions and tokens come in one answer: a single page.
  const list = usePagedList<Token>('tokens', async () => ({
    items: answer(await api.GET('/v1/tokens')).tokens,
    nextToken: null,
  }));
  /** A failed revoke or log out: the list stays as it is. */
  const [problem, setProblem] = useState<ApiProblem>();
  const [created, setCreated] = useState<CreatedToken>();
  const [status, setStatus] = useState('');

  const revoke = async (token: Token) => {
    setProblem(undefined);
    setStatus('');
    try {
      answer(await api.DELETE('/v1/tokens/{id}', { params: { path: { id: token.id } } }));
      setStatus(`Revoked “${token.name}”.`);
      if (created?.id === token.id) setCreated(undefined);
      list.update((shown) => shown.filter((other) => other.id !== token.id));
    } catch (error) {
      setProblem(problemFrom(error));
    }
  };

  const logOutEverywhere = async () => {
    setProblem(undefined);
    try {
      answer(await api.POST('/logout', { params: { query: { everywhere: 'true' } } }));
      endSession();
      navigate('/sign-in', { replace: true });
    } catch (error) {
      setProblem(problemFrom(error));
    }
  };

  const personal = list.items.filter((token) => token.scope !== 'session');
  const sessions = list.items.filter((token) => token.scope === 'session');

  return (
    <section aria-labelledby="screen-title">
      <ScreenTitle>Tokens and sessions</ScreenTitle>
      <p class="narrow">
        A personal token lets a script, a browser extension or a feed reader use your account with less than
        your login can do; revoke it alone when it is no longer needed.
      </p>
      <CreateTokenForm
        onCreated={(token) => {
          setCreated(token);
          setStatus('');
          list.reload();
        }}
      />
      {created && <NewTokenSecret token={created} onDone={() => setCreated(undefined)} />}
      <div aria-live="polite">{status && <p role="status">{status}</p>}</div>
      {problem && <ProblemNotice problem={problem} />}
      {list.problem && <ProblemNotice problem={list.problem} onRetry={list.reload} />}

      <h2 id="tokens-heading">Personal tokens</h2>
      {list.loading && <p role="status">Loading…</p>}
      {!list.loading && !list.problem && personal.length === 0 && (
        <p class="empty">No personal tokens yet.</p>
      )}
      <ul class="tokens" aria-labelledby="tokens-heading">
        {personal.map((token) => (
          <TokenItem key={token.id} token={token} onRevoke={() => revoke(token)} />
        ))}
      </ul>

      <h2 id="sessions-heading">Login sessions</h2>
      <ul class="tokens" aria-labelledby="sessions-heading">
        {sessions.map((token) => (
          <TokenItem key={token.id} token={token} onRevoke={() => revoke(token)} />
        ))}
      </ul>
      <p>
        <button type="button" class="danger" onClick={() => void logOutEverywhere()}>
          Log out everywhere
        </button>{' '}
        <span class="hint">Ends every session and personal token of yours, this one included.</span>
      </p>
    </section>
  );
}

function CreateTokenForm(props: { onCreated: (token: CreatedToken) => void }) {
  const [name, setName] = useState('');
  const [scope, setScope] = useState<Scope>('read');
  const [days, setDays] = useState('90');
  const [problem, setProblem] = useState<ApiProblem>();
  const [busy, setBusy] = useState(false);

  const create = async (event: Event) => {
    event.preventDefault();
    setProblem(undefined);
    setBusy(true);
    try {
      const expires = days.trim() === '' ? {} : { expires_in_days: Number(days) };
      const token = answer(await api.POST('/v1/tokens', { body: { name: name.trim(), scope, ...expires } }));
      setName('');
      props.onCreated(token);
    } catch (error) {
      setProblem(problemFrom(error));
    } finally {
      setBusy(false);
    }
  };

  const fieldProblem = (field: string) => {
    const detail = problem?.details[field];
    return typeof detail === 'string' ? detail : undefined;
  };

  return (
    <form class="form narrow" onSubmit={(event) => void create(event)} aria-labelledby="create-token-heading">
      <h2 id="create-token-heading">New personal token</h2>
      <div class="field">
        <label for="token-name">Name</label>
        <input
          id="token-name"
          required
          maxLength={100}
          autocomplete="off"
          value={name}
          aria-describedby={fieldProblem('name') ? 'token-name-problem' : 'token-name-hint'}
          onInput={(event) => setName(event.currentTarget.value)}
        />
        <span id="token-name-hint" class="hint">
          What it is for, e.g. “backup script”.
        </span>
        {fieldProblem('name') && (
          <span id="token-name-problem" class="field-problem">
            {fieldProblem('name')}
          </span>
        )}
      </div>
      <div class="field">
        <label for="token-scope">Scope</label>
        <select
          id="token-scope"
          value={scope}
          onChange={(event) => setScope(event.currentTarget.value as Scope)}
        >
          {SCOPES.map((option) => (
            <option key={option.scope} value={option.scope}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="token-days">Expires after (days)</label>
        <input
          id="token-days"
          type="number"
          min={1}
          max={365}
          inputMode="numeric"
          value={days}
          aria-describedby="token-days-hint"
          onInput={(event) => setDays(event.currentTarget.value)}
        />
        <span id="token-days-hint" class="hint">
          1 to 365; empty: it never expires.
        </span>
        {fieldProblem('expires_in_days') && (
          <span class="field-problem">{fieldProblem('expires_in_days')}</span>
        )}
      </div>
      {problem && <ProblemNotice problem={problem} />}
      <button type="submit" disabled={busy}>
        Create token
      </button>
    </form>
  );
}

/** The new token's secret, once: the service never shows it again. */
function NewTokenSecret(props: { token: CreatedToken; onDone: () => void }) {
  const [copied, setCopied] = useState('');
  const field = useRef<HTMLInputElement>(null);
  const feedField = useRef<HTMLInputElement>(null);
  useEffect(() => {
    field.current?.focus();
    field.current?.select();
  }, [props.token.id]);
  const feedUrl = props.token.scope === 'feed' ? newsFeedUrl(location.origin, props.token.token) : undefined;
  const copy = async (text: string, from: HTMLInputElement | null, what: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('Copied.');
    } catch {
      // No clipboard (an insecure origin, a refused permission): the text is selected for a manual copy.
      from?.select();
      setCopied(`Copying was refused: the ${what} is selected, copy it with the keyboard.`);
    }
  };
  return (
    <div class="notice secret" role="region" aria-labelledby="secret-heading">
      <h2 id="secret-heading">Your new token “{props.token.name}”</h2>
      <p>
        <strong>Shown only now:</strong> copy it and keep it somewhere safe. If you lose it, revoke it and
        create another.
      </p>
      <label for="token-secret">Token</label>
      <input id="token-secret" ref={field} readOnly value={props.token.token} />
      {feedUrl && (
        <>
          <label for="token-feed-url">Your news feed, for a feed reader</label>
          <input
            id="token-feed-url"
            ref={feedField}
            readOnly
            value={feedUrl}
            aria-describedby="token-feed-url-hint"
          />
          <span id="token-feed-url-hint" class="hint">
            The token is part of this address: keep it as private as the token.
          </span>
        </>
      )}
      <p class="actions">
        <button type="button" onClick={() => void copy(props.token.token, field.current, 'token')}>
          Copy token
        </button>
        {feedUrl && (
          <button type="button" onClick={() => void copy(feedUrl, feedField.current, 'feed address')}>
            Copy feed address
          </button>
        )}
        <button type="button" class="link-button" onClick={props.onDone}>
          Done, hide it
        </button>
      </p>
      <div aria-live="polite">{copied && <p role="status">{copied}</p>}</div>
    </div>
  );
}

function TokenItem(props: { token: Token; onRevoke: () => Promise<void> }) {
  const { token } = props;
  const [confirming, setConfirming] = useState(false);
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);
  const name = token.scope === 'session' ? `Session of ${when(token.created_at, '')}` : token.name;
  return (
    <li class="token">
      <h3>
        {name}
        {token.current && <span class="badge">this one</span>}
      </h3>
      <dl class="token-facts">
        <dt>Scope</dt>
        <dd>{token.scope}</dd>
        <dt>Created</dt>
        <dd>{when(token.created_at, '')}</dd>
        <dt>Expires</dt>
        <dd>{when(token.expires_at, 'never')}</dd>
        <dt>Last used</dt>
        <dd>{when(token.last_used_at, 'never')}</dd>
      </dl>
      {!token.current &&
        (confirming ? (
          <p class="actions" role="group" aria-label={`Revoke ${name}?`}>
            <span>Revoke “{name}”? It stops working at once.</span>
            <button
              type="button"
              class="danger"
              ref={confirmButton}
              onClick={() => void props.onRevoke().finally(() => setConfirming(false))}
            >
              Yes, revoke<ForScreenReaders> {name}</ForScreenReaders>
            </button>
            <button type="button" class="link-button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </p>
        ) : (
          <p class="actions">
            <button type="button" class="link-button" onClick={() => setConfirming(true)}>
              Revoke<ForScreenReaders> {name}</ForScreenReaders>
            </button>
          </p>
        ))}
    </li>
  );
}
