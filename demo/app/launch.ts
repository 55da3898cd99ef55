/**
 * Starting a job from a screen, as the seeds do: launch it and open the progress dialog on it. The dialog never
 * cancels the job; the user closes it and carries on, and the toasts tell them when it ends.
 */
import { launchAndFollow } from '../../components/index.js';
import { t } from './i18n.js';
import { reportPathTemplate } from './routes.js';

export interface LaunchForm {
  form: HTMLFormElement;
  type: string;
  params: Record<string, unknown>;
  notifyByEmail?: boolean;
}

/** Launches and follows the job; a refusal (validation, permissions) is shown in the form's alert region. */
export async function launchFromForm({ form, type, params, notifyByEmail = false }: LaunchForm): Promise<void> {
  // A second submit while the launch is on its way is ignored. The button is not disabled: a disabled button loses
  // focus, and the dialog would then give it back to the page's body instead of the button when it closes.
  if (launching.has(form)) return;
  const alert = form.querySelector<HTMLElement>('[role="alert"]');
  const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]');
  if (alert) alert.textContent = '';
  launching.add(form);
  submit?.setAttribute('aria-disabled', 'true');
  try {
    await launchAndFollow(type, params, { notifyByEmail, reportUrl: reportPathTemplate });
  } catch (error) {
    if (alert) alert.textContent = `${t('launchFailed')} ${(error as Error).message}`;
  } finally {
    launching.delete(form);
    submit?.removeAttribute('aria-disabled');
  }
}

const launching = new WeakSet<HTMLFormElement>();
