import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { answer, api, problemFrom, type ApiProblem, type Link as SavedLink } from '../api/client.ts';
import { ProblemNotice, ScreenTitle } from '../components.tsx';
import { Link, navigate } from '../router.tsx';
import { exactly, parseTags, tagChanges } from '../tags.ts';

interface Fields {
  url: string;
  title: string;
  description: string;
  /** As typed: tags separated by spaces. */
  tags: string;
  private: boolean;
}

/**
 * Add a link. `/add?url=&title=` fills the form in: the bookmarklet (see the help screen) opens it from the page
 * the reader is on, so saving that page takes two clicks.
 */
export function AddLink(props: { url: string; title: string }) {
  const [problem, setProblem] = useState<ApiProblem>();
  const save = async (fields: Fields) => {
    setProblem(undefined);
    try {
      answer(
        await api.POST('/v1/links', {
          body: {
            url: fields.url,
            title: fields.title,
            description: fields.description,
            tags: parseTags(fields.tags),
            private: fields.private,
          },
        }),
      );
      navigate('/');
    } catch (error) {
      setProblem(problemFrom(error));
    }
  };
  const initial = { url: props.url, title: props.title, description: '', tags: '', private: false };
  return (
    <section aria-labelledby="screen-title" class="narrow">
      <ScreenTitle>Add a link</ScreenTitle>
      <LinkForm initial={initial} problem={problem} submitLabel="Save link" onSubmit={save} />
      {problem?.code === 'already_exists' && (
        <p>
          <Link href={`/edit?url=${encodeURIComponent(initial.url)}`}>Edit the saved link</Link>
        </p>
      )}
    </section>
  );
}

/** Edit one of my links, found by its URL (`/edit?url=`); the URL itself stays as it is. */
export function EditLink(props: { url: string }) {
  const [link, setLink] = useState<SavedLink | null>();
  const [problem, setProblem] = useState<ApiProblem>();

  const load = async () => {
    setProblem(undefined);
    try {
      // A filtered page examines a bounded number of links: it may come back empty with a `next_token` when the
      // link is further down, so follow the tokens until it shows or the list ends.
      let startToken: string | undefined;
      for (;;) {
        const query = {
          url_regex: exactly(props.url),
          limit: 1,
          ...(startToken ? { start_token: startToken } : {}),
        };
        const page = answer(await api.GET('/v1/links', { params: { query } }));
        if (page.links[0] || !page.next_token) {
          setLink(page.links[0] ?? null);
          return;
        }
        startToken = page.next_token;
      }
    } catch (error) {
      setProblem(problemFrom(error));
    }
  };
  useEffect(() => {
    void load();
  }, [props.url]);

  const save = async (fields: Fields) => {
    if (!link) return;
    setProblem(undefined);
    try {
      answer(
        await api.PUT('/v1/links', {
          body: {
            url: link.url,
            title: fields.title,
            description: fields.description,
            private: fields.private,
            ...tagChanges(link.tags, parseTags(fields.tags)),
          },
        }),
      );
      navigate('/');
    } catch (error) {
      setProblem(problemFrom(error));
    }
  };

  return (
    <section aria-labelledby="screen-title" class="narrow">
      <ScreenTitle>Edit link</ScreenTitle>
      {link === undefined && !problem && <p role="status">Loading…</p>}
      {link === undefined && problem && <ProblemNotice problem={problem} onRetry={() => void load()} />}
      {link === null && (
        <p>
          You have no link with this URL. <Link href="/">Back to my links</Link>
        </p>
      )}
      {link && (
        <LinkForm
          initial={{ ...link, tags: link.tags.join(' ') }}
          problem={problem}
          editing
          submitLabel="Save changes"
          onSubmit={save}
        />
      )}
    </section>
  );
}

function LinkForm(props: {
  initial: Fields;
  problem: ApiProblem | undefined;
  editing?: boolean;
  submitLabel: string;
  onSubmit: (fields: Fields) => Promise<void>;
}) {
  const [fields, setFields] = useState<Fields>(props.initial);
  const [busy, setBusy] = useState(false);
  const set = (change: Partial<Fields>) => setFields((current) => ({ ...current, ...change }));
  const fieldProblem = (name: string) => {
    const detail = props.problem?.details[name];
    return detail === undefined ? undefined : String(detail);
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    await props.onSubmit(fields);
    setBusy(false);
  };
  return (
    <form onSubmit={submit} class="link-form" novalidate>
      <Field name="url" label="URL" problem={fieldProblem('url')}>
        {(describedBy) => (
          <input
            id="url"
            type="url"
            required
            readOnly={props.editing}
            aria-describedby={describedBy}
            aria-invalid={fieldProblem('url') ? true : undefined}
            value={fields.url}
            onInput={(event) => set({ url: event.currentTarget.value })}
          />
        )}
      </Field>
      <Field name="title" label="Title" problem={fieldProblem('title')}>
        {(describedBy) => (
          <input
            id="title"
            aria-describedby={describedBy}
            value={fields.title}
            onInput={(event) => set({ title: event.currentTarget.value })}
          />
        )}
      </Field>
      <Field name="description" label="Description" problem={fieldProblem('description')}>
        {(describedBy) => (
          <textarea
            id="description"
            rows={3}
            aria-describedby={describedBy}
            value={fields.description}
            onInput={(event) => set({ description: event.currentTarget.value })}
          />
        )}
      </Field>
      <Field
        name="tags"
        label="Tags"
        hint="Separated by spaces, e.g. go k8s"
        problem={fieldProblem('tags') ?? fieldProblem('add_tags')}
      >
        {(describedBy) => (
          <input
            id="tags"
            autocapitalize="none"
            aria-describedby={describedBy}
            value={fields.tags}
            onInput={(event) => set({ tags: event.currentTarget.value })}
          />
        )}
      </Field>
      <p class="checkbox">
        <input
          id="private"
          type="checkbox"
          checked={fields.private}
          onChange={(event) => set({ private: event.currentTarget.checked })}
        />
        <label for="private">Private (never in anybody's news)</label>
      </p>
      {props.problem && <ProblemNotice problem={props.problem} />}
      <button type="submit" disabled={busy}>
        {props.submitLabel}
      </button>{' '}
      <Link href="/">Cancel</Link>
    </form>
  );
}

/** A labelled field with its hint and its problem, both read out with the field (`aria-describedby`). */
function Field(props: {
  name: string;
  label: string;
  hint?: string;
  problem: string | undefined;
  children: (describedBy: string | undefined) => ComponentChildren;
}) {
  const hintId = props.hint ? `${props.name}-hint` : undefined;
  const problemId = props.problem ? `${props.name}-problem` : undefined;
  const describedBy = [hintId, problemId].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={props.name}>{props.label}</label>
      {props.children(describedBy)}
      {props.hint && (
        <span id={hintId} class="hint">
          {props.hint}
        </span>
      )}
      {props.problem && (
        <span id={problemId} class="field-problem">
          {props.problem}
        </span>
      )}
    </div>
  );
}
