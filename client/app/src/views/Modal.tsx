/** A modal dialog on the native `<dialog>`: focus trap, Escape and the backdrop come with it. */
import { onMount, type JSX, type ParentProps } from 'solid-js'

export function Modal(props: ParentProps<{ title: string; testId: string; onClose: () => void; onSubmit: () => void; footer: JSX.Element }>) {
  let el!: HTMLDialogElement
  onMount(() => el.showModal())
  return (
    <dialog
      ref={el}
      class="modal"
      data-testid={props.testId}
      aria-label={props.title}
      onClose={() => props.onClose()}
      onClick={(e) => {
        // A click on the backdrop (the dialog element itself, outside its form) closes it.
        if (e.target === el) el.close()
      }}
    >
      <form
        class="modal-body"
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault()
          props.onSubmit()
        }}
      >
        <h3 class="modal-title">{props.title}</h3>
        {props.children}
        <div class="modal-actions">
          <button type="button" class="button button-quiet" data-testid={`${props.testId}-cancel`} onClick={() => el.close()}>
            Cancel
          </button>
          {props.footer}
        </div>
      </form>
    </dialog>
  )
}
