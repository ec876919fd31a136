import { useEffect, useState } from 'preact/hooks';
import { problemFrom, type ApiProblem } from './api/client.ts';
import { readPage, type Page } from './page-reading.ts';

export interface PagedList<T> {
  items: T[];
  nextToken: string | null;
  loading: boolean;
  problem: ApiProblem | undefined;
  /** Loads the first page again (a retry, or after a change), replacing what is shown. */
  reload: () => void;
  /** Appends the page after the last one shown. */
  more: () => void;
  /**
   * Changes the items shown in place (an edit, a delete, an undo) without loading anything: the pages already
   * shown, and where the next one starts, stay as they are.
   */
  update: (change: (items: T[]) => T[]) => void;
}

/**
 * A listing shown a page at a time: the first page loads whenever `key` changes (another user, another query),
 * replacing the old list at once, so that no old list shows under a new heading.
 */
export function usePagedList<T>(
  key: string,
  fetchPage: (startToken: string | undefined) => Promise<Page<T>>,
): PagedList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [nextToken, setNextToken] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [problem, setProblem] = useState<ApiProblem>();

  const load = async (startToken?: string) => {
    setLoading(true);
    setProblem(undefined);
    if (!startToken) {
      setItems([]);
      setNextToken(null);
    }
    try {
      const page = await readPage(fetchPage, startToken);
      setItems((shown) => (startToken ? [...shown, ...page.items] : page.items));
      setNextToken(page.nextToken);
    } catch (error) {
      setProblem(problemFrom(error));
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    void load();
  }, [key]);

  return {
    items,
    nextToken,
    loading,
    problem,
    reload: () => void load(),
    more: () => {
      if (nextToken) void load(nextToken);
    },
    update: (change) => setItems((shown) => change(shown)),
  };
}
