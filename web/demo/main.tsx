/** Entry point of the demo page (`/demo`). */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';

const root = document.getElementById('app');
if (!root) throw new Error('#app is missing from the page');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
