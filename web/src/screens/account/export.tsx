import { useState } from 'preact/hooks';
import { answer, api, problemFrom, type ApiProblem } from '../../api/client.ts';
import { ProblemNotice, ScreenTitle } from '../../components.tsx';

type ExportFormat = 'netscape' | 'json';

const FORMATS: { format: ExportFormat; label: string; about: string }[] = [
  {
    format: 'netscape',
    label: 'Download bookmark file (HTML)',
    about: 'The Netscape bookmark file every browser and bookmark service imports.',
  },
  { format: 'json', label: 'Download JSON', about: 'Every link as the API shows it: {"links": [...]}.' },
];

/**
 * Export: all the caller's links as a file. The service stores the file and answers its download URL (the page
 * sends its token as a header, which a redirect into a download cannot carry); opening that URL saves the file,
 * an attachment, without leaving the page.
 */
export function ExportLinks() {
  const [preparing, setPreparing] = useState<ExportFormat>();
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState<ApiProblem>();

  const download = async (format: ExportFormat) => {
    setPreparing(format);
    setProblem(undefined);
    setStatus('Preparing the file…');
    try {
      const link = answer(await api.GET('/v1/export', { params: { query: { format, delivery: 'url' } } }));
      if (typeof link !== 'object' || !('download_url' in link))
        throw new Error('The service answered the file instead of its download.');
      location.assign(link.download_url);
      setStatus('The download has started.');
    } catch (error) {
      setStatus('');
      setProblem(problemFrom(error));
    } finally {
      setPreparing(undefined);
    }
  };

  return (
    <section aria-labelledby="screen-title" class="narrow">
      <ScreenTitle>Export</ScreenTitle>
      <p>All your links, newest first, private ones included: keep a copy, or take them elsewhere.</p>
      <ul class="overview">
        {FORMATS.map(({ format, label, about }) => (
          <li key={format}>
            <button type="button" onClick={() => void download(format)} disabled={preparing !== undefined}>
              {label}
            </button>
            <p>{about}</p>
          </li>
        ))}
      </ul>
      <div aria-live="polite">{status && <p role="status">{status}</p>}</div>
      {problem && <ProblemNotice problem={problem} />}
    </section>
  );
}
