/**
 * Ctrl-clicks `link`, as a user opening it in another tab, without letting the test page follow it; says whether
 * `element` fired `job-open` meanwhile.
 */
export function firesJobOpenOnCtrlClick(element: HTMLElement, link: HTMLElement): boolean {
  let fired = false;
  const onOpen = () => {
    fired = true;
  };
  const stay = (click: Event) => click.preventDefault();
  element.addEventListener('job-open', onOpen);
  document.addEventListener('click', stay);
  try {
    link.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, cancelable: true, ctrlKey: true }));
  } finally {
    document.removeEventListener('click', stay);
    element.removeEventListener('job-open', onOpen);
  }
  return fired;
}
