import { useEffect, useState } from 'preact/hooks';

/**
 * A module loaded on first use (`import()`: its own file in the build), so that the first load of the client
 * carries only the screens most visits need. Each loader is asked once; a failed load can be tried again.
 */
const loaded = new Map<() => Promise<unknown>, Promise<unknown>>();

export function useLazyModule<T>(load: () => Promise<T>): { module?: T; failed: boolean; retry: () => void } {
  const [module, setModule] = useState<T>();
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let current = true;
    let loading = loaded.get(load) as Promise<T> | undefined;
    if (!loading) {
      loading = load();
      loaded.set(load, loading);
    }
    loading.then(
      (value) => current && setModule(() => value),
      () => {
        loaded.delete(load);
        if (current) setFailed(true);
      },
    );
    return () => {
      current = false;
    };
  }, [load, attempt]);
  return {
    module,
    failed,
    retry: () => {
      setFailed(false);
      setAttempt((count) => count + 1);
    },
  };
}
