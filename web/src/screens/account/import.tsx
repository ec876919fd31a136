import { useEffect, useRef, useState } from 'preact/hooks';
import { answer, api, problemFrom, type ApiProblem } from '../../api/client.ts';
import type { components } from '../../api/schema';
import { ProblemNotice, ScreenTitle } from '../../components.tsx';
import { fileProblem, hasMoved, importSummary, isFinished, nextPollDelay } from '../../imports.ts';
import { usePagedList } from '../../paging.ts';
import { Link, navigate } from '../../router.tsx';

type Import = components['schemas']['Import'];
type FormatChoice = '' | 'netscape' | 'pinboard';

/** How many of an import's errors the screen lists (the service keeps the first 500). */
const ERRORS_SHOWN = 20;

/**
 * Import: pick a bookmark file, start an import (the service answers a presigned upload URL), upload the file
 * straight to it, then follow the import (`?id=` in the address, so a reload keeps following) until it is done.
 * Past imports are listed below.
 */
export function ImportBookmarks(props: { importId: string }) {
  const [finished, setFinished] = useState(0);
  return (
    <section aria-labelledby="screen-title" class="narrow">
      <ScreenTitle>Import</ScreenTitle>
      <ImportForm />
      {props.importId && (
        <ImportProgress
          key={props.importId}
          importId={props.importId}
          onFinished={() => setFinished((count) => count + 1)}
        />
      )}
      <PastImports key={finished} shown={props.importId} />
    </section>
  );
}

function ImportForm() {
  const [file, setFile] = useState<File>();
  const [format, setFormat] = useState<FormatChoice>('');
  const [busy, setBusy] = useState('');
  const [problem, setProblem] = useState<string>();
  const [apiProblem, setApiProblem] = useState<ApiProblem>();

  const choose = (chosen: File | undefined) => {
    setFile(chosen);
    setApiProblem(undefined);
    setProblem(chosen && fileProblem(chosen));
  };

  const start = async (event: Event) => {
    event.preventDefault();
    if (!file) {
      setProblem('Choose a bookmark file first.');
      return;
    }
    const tooBig = fileProblem(file);
    if (tooBig) {
      setProblem(tooBig);
      return;
    }
    setProblem(undefined);
    setApiProblem(undefined);
    try {
      setBusy('Starting the import…');
      const started = answer(await api.POST('/v1/imports', { body: format ? { format } : {} }));
      setBusy(`Uploading ${file.name}…`);
      // Straight to the bucket, with the URL as the only permission: no token goes there.
      const upload = await fetch(started.upload_url, { method: 'PUT', body: file }).catch(() => undefined);
      if (!upload?.ok) {
        setProblem(
          `The upload of ${file.name} failed${upload ? ` (HTTP ${upload.status})` : ''}. Check the connection and try again.`,
        );
        return;
      }
      navigate(`/account/import?id=${encodeURIComponent(started.import_id)}`);
    } catch (error) {
      setApiProblem(problemFrom(error));
    } finally {
      setBusy('');
    }
  };

  return (
    <form class="form" onSubmit={(event) => void start(event)} aria-describedby="import-about">
      <p id="import-about">
        A bookmark file exported from a browser (Chrome, Firefox, Safari, Edge) or a service (Pinboard,
        Raindrop, Pocket, linkding), or Pinboard's JSON; at most 10 MiB. Links you already have are skipped,
        never overwritten; entries without a privacy setting import as private.
      </p>
      <div class="field">
        <label for="import-file">Bookmark file</label>
        <input
          id="import-file"
          type="file"
          accept=".html,.htm,.json,text/html,application/json"
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? 'import-problem' : undefined}
          onChange={(event) => choose(event.currentTarget.files?.[0])}
        />
      </div>
      <div class="field">
        <label for="import-format">Format</label>
        <select
          id="import-format"
          value={format}
          onChange={(event) => setFormat(event.currentTarget.value as FormatChoice)}
        >
          <option value="">Detect from the file</option>
          <option value="netscape">Netscape bookmark file (HTML)</option>
          <option value="pinboard">Pinboard JSON</option>
        </select>
      </div>
      {problem && (
        <p id="import-problem" class="field-problem" role="alert">
          {problem}
        </p>
      )}
      {apiProblem && <ProblemNotice problem={apiProblem} />}
      <button type="submit" disabled={busy !== ''}>
        Import
      </button>
      <div aria-live="polite">{busy && <p role="status">{busy}</p>}</div>
    </form>
  );
}

/** One import followed until it ends: polled soon at first, then less often while it does not move. */
function ImportProgress(props: { importId: string; onFinished: () => void }) {
  const [record, setRecord] = useState<Import>();
  const [problem, setProblem] = useState<ApiProblem>();
  const [attempt, setAttempt] = useState(0);
  const lastSeen = useRef<Import | undefined>(undefined);
  const delay = useRef<number | undefined>(undefined);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const look = async () => {
      try {
        const seen = answer(
          await api.GET('/v1/imports/{import_id}', { params: { path: { import_id: props.importId } } }),
        );
        if (stopped) return;
        delay.current = nextPollDelay(delay.current, hasMoved(lastSeen.current, seen));
        lastSeen.current = seen;
        setRecord(seen);
        if (isFinished(seen)) props.onFinished();
        else timer = setTimeout(() => void look(), delay.current);
      } catch (error) {
        if (!stopped) setProblem(problemFrom(error));
      }
    };
    setProblem(undefined);
    void look();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [props.importId, attempt]);

  return (
    <section aria-labelledby="progress-heading" class="import-progress">
      <h2 id="progress-heading">This import</h2>
      {problem && <ProblemNotice problem={problem} onRetry={() => setAttempt((count) => count + 1)} />}
      {!record && !problem && <p role="status">Loading…</p>}
      {record && <ImportDetails record={record} />}
    </section>
  );
}

function ImportDetails(props: { record: Import }) {
  const { record } = props;
  const finished = isFinished(record);
  return (
    <>
      {/* Announced as it changes; the whole sentence, so that a screen reader reads it whole. */}
      <p role="status" aria-live="polite" aria-atomic="true" class={`import-status import-${record.status}`}>
        {importSummary(record)}
      </p>
      {!finished && <progress aria-label="Import progress" />}
      {record.status === 'done' && record.imported > 0 && (
        <p>
          <Link href="/">See them in My links</Link>
        </p>
      )}
      {record.errors.length > 0 && (
        <>
          <h3 id="import-errors">
            {record.error_count > ERRORS_SHOWN
              ? `The first ${ERRORS_SHOWN} of ${record.error_count} errors`
              : 'Errors'}
          </h3>
          <ul class="import-errors" aria-labelledby="import-errors">
            {record.errors.slice(0, ERRORS_SHOWN).map((error, index) => (
              <li key={index}>
                {error.line !== undefined && <strong>Line {error.line}: </strong>}
                {error.url && <span class="url">{error.url}</span>}
                {error.reason}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

/** The caller's imports, newest first (the service keeps the latest 100, in one answer: a single page). */
function PastImports(props: { shown: string }) {
  const list = usePagedList<Import>('imports', async () => ({
    items: answer(await api.GET('/v1/imports')).imports,
    nextToken: null,
  }));
  return (
    <section aria-labelledby="past-imports">
      <h2 id="past-imports">Past imports</h2>
      {list.problem && <ProblemNotice problem={list.problem} onRetry={list.reload} />}
      {list.loading && <p role="status">Loading…</p>}
      {!list.loading && !list.problem && list.items.length === 0 && <p class="empty">No imports yet.</p>}
      <ul class="imports" aria-labelledby="past-imports">
        {list.items.map((record) => (
          <li key={record.import_id}>
            <Link
              href={`/account/import?id=${encodeURIComponent(record.import_id)}`}
              current={record.import_id === props.shown}
            >
              <time dateTime={record.created_at}>{new Date(record.created_at).toLocaleString()}</time>
            </Link>{' '}
            <span class={`badge import-${record.status}`}>{record.status}</span>
            <span class="meta">{importSummary(record)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
