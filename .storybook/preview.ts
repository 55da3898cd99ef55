import { setCustomElementsManifest } from '@storybook/web-components';
import type { Decorator, Preview } from '@storybook/web-components-vite';
import { html } from 'lit';
import { mswLoader } from 'msw-storybook-addon/csf3';
import { configure } from '../components/index.js';
import manifest from '../custom-elements.json';
import './preview.css';

// The docs pages' attribute, property, event, part and CSS property tables come from the manifest, not from prose.
setCustomElementsManifest(manifest);
configure({ baseUrl: '/api' });

/** Language and theme from the toolbar, applied the way a host page would: `lang` and `data-theme` on a wrapper. */
const hostPage: Decorator = (story, { globals }) =>
  html`<div class="sb-host" lang=${globals.locale ?? 'en'} data-theme=${globals.theme ?? 'light'}>${story()}</div>`;

const preview: Preview = {
  loaders: [mswLoader()],
  decorators: [hostPage],
  tags: ['autodocs'],
  globalTypes: {
    locale: {
      description: 'Language of the elements',
      toolbar: { title: 'Language', icon: 'globe', items: ['en', 'fr'], dynamicTitle: true },
    },
    theme: {
      description: 'Light or dark host page',
      toolbar: { title: 'Theme', icon: 'contrast', items: ['light', 'dark'], dynamicTitle: true },
    },
  },
  initialGlobals: { locale: 'en', theme: 'light' },
  parameters: {
    layout: 'padded',
    controls: { expanded: true },
  },
};

export default preview;
