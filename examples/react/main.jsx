// The kit in a React 19 app. React 19 sets custom elements' props as properties and turns `on<event-name>` props
// into listeners, so the elements are used like any component: no wrapper needed.
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { configure } from '../../components/index.js';

// A host that authenticates by bearer token hands it to the kit; a function is called before each request, so a
// refreshed token is picked up. The demo server's plain user stands in for the app's signed-in user here.
const getToken = async () => 'demo-user-token';
configure({ baseUrl: '/api', headers: async () => ({ Authorization: `Bearer ${await getToken()}` }) });

function JobsPage() {
  const [opened, setOpened] = useState(null);
  const [language, setLanguage] = useState('en');

  // The app shows a report its own way (its router, a side panel…): cancel the element's default navigation.
  const openJob = (event) => {
    event.preventDefault();
    setOpened(event.job);
  };

  return (
    <main lang={language}>
      <h1>Background jobs</h1>
      <label>
        Language{' '}
        <select value={language} onChange={(event) => setLanguage(event.target.value)}>
          <option value="en">English</option>
          <option value="fr">Français</option>
        </select>
      </label>
      <job-tracker report-url="/jobs/{id}" page-size={50} onjob-open={openJob} />
      {opened && (
        <section aria-label="Opened job" id="opened-job">
          <h2>
            {opened.typeLabel} #{opened.id}
          </h2>
          <job-report job-id={opened.id} />
        </section>
      )}
      <job-toasts report-url="/jobs/{id}" />
    </main>
  );
}

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <JobsPage />
  </StrictMode>,
);
