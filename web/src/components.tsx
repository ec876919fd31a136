import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ApiProblem, Link } from './api/client.ts';

/** A failed call, said plainly; a 429 says how long to wait and offers the retry once that time has passed. */
export function ProblemNotice(props: { problem: ApiProblem; onRetry?: () => void }) {
  const { problem, onRetry } = props;
  const waitSeconds = problem.status === 429 ? (problem.retryAfterSeconds ?? 1) : 0;
  const [waiting, setWaiting] = useState(waitSeconds > 0);
  useEffect(() => {
    setWaiting(waitSeconds > 0);
    if (waitSeconds === 0) return;
    const timer = setTimeout(() => setWaiting(false), waitSeconds * 1000);
    return () => clearTimeout(timer);
  }, [problem, waitSeconds]);
  const message =
    problem.status === 429
      ? `Too many requests: wait ${waitSeconds} second${waitSeconds === 1 ? '' : 's'} and retry.`
      : problem.message;
  return (
    <div class="notice error" role="alert">
      <p>{message}</p>
      {onRetry && (
        <button type="button" onClick={onRetry} disabled={waiting}>
          Retry
        </button>
      )}
    </div>
  );
}

/** The link checker's verdict, in words (not only a colour): pending, valid, or invalid with the HTTP status. */
export function HealthBadge(props: { link: Link }) {
  const { status, http_status: httpStatus } = props.link;
  const label = status === 'invalid' && httpStatus !== null ? `invalid (HTTP ${httpStatus})` : status;
  return <span class={`badge health-${status}`}>{label}</span>;
}

/** Text for screen readers only, e.g. which link a repeated "Edit" button is about. */
export function ForScreenReaders(props: { children: ComponentChildren }) {
  return <span class="visually-hidden">{props.children}</span>;
}

/** A screen's heading: focused after each navigation, so that screen readers announce the new screen. */
export function ScreenTitle(props: { children: string }) {
  useEffect(() => {
    document.title = `${props.children} · Delinkcious`;
  }, [props.children]);
  return (
    <h1 id="screen-title" tabIndex={-1}>
      {props.children}
    </h1>
  );
}
