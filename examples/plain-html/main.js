// Registers the elements and points them at the jobs API. The page is same-origin with the API and the user is
// signed in by the host's session cookie, so no token is handed to the kit.
import { configure } from './job-tracker-kit.js';

configure({ baseUrl: '/api' });
