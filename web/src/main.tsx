import { render } from 'preact';
import { restoreSession } from './api/client.ts';
import { App } from './app.tsx';
import './style.css';

// The first screen depends on whether the session cookie still signs this browser in.
void restoreSession().then(() => render(<App />, document.getElementById('app')!));
