import { useEffect, useLayoutEffect, useRef, type RefObject } from 'react';

/**
 * Shows a native <dialog> as a modal while `open`: the page behind is inert,
 * Escape and a click on the backdrop close it, and closing puts focus back where
 * it was, at once — so a command run right after closing can move focus on
 * (to the control it opens) without the dialog taking it back later.
 */
export function useModal(ref: RefObject<HTMLDialogElement | null>, open: boolean, onClose: () => void): void {
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });

  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [ref, open]);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    // The close event comes a task later; by then the dialog may be open again.
    const closed = () => {
      if (!dialog.open) onCloseRef.current();
    };
    const click = (event: MouseEvent) => {
      if (event.target !== dialog) return;
      const r = dialog.getBoundingClientRect();
      const inside = event.clientX >= r.left && event.clientX <= r.right && event.clientY >= r.top && event.clientY <= r.bottom;
      if (!inside) dialog.close();
    };
    dialog.addEventListener('close', closed);
    dialog.addEventListener('click', click);
    return () => {
      dialog.removeEventListener('close', closed);
      dialog.removeEventListener('click', click);
    };
  }, [ref]);
}
