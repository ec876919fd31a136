import { useEffect, useState } from 'preact/hooks';
import type { ApiProblem } from '../api/client.ts';

/**
 * A search box over a listing's `q`. A malformed query's 400 is shown next to the box, tied to it for screen
 * readers: its details name the problem and where in the query it starts.
 */
export function SearchBox(props: {
  /** Names the search landmark, e.g. "Search my links". */
  label: string;
  query: string;
  problem: ApiProblem | undefined;
  onSearch: (query: string) => void;
}) {
  const [typed, setTyped] = useState(props.query);
  useEffect(() => {
    setTyped(props.query);
  }, [props.query]);
  const search = (event: Event) => {
    event.preventDefault();
    props.onSearch(typed.trim());
  };
  const problem = props.problem;
  const said = problem && (typeof problem.details.q === 'string' ? problem.details.q : problem.message);
  return (
    <form role="search" aria-label={props.label} class="filter" onSubmit={search}>
      <label for="search-query">Search</label>
      <input
        id="search-query"
        name="q"
        type="search"
        value={typed}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? 'search-problem' : undefined}
        onInput={(event) => setTyped(event.currentTarget.value)}
      />
      <button type="submit">Search</button>
      {problem && (
        <p id="search-problem" class="field-error" role="alert">
          {`Invalid search: ${said}`}
        </p>
      )}
    </form>
  );
}
