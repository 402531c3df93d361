/** Asks before an edit that reaches further than the row it starts from (removing a team that groups use…). */
import { Modal } from '../views/Modal.tsx'

export function ConfirmDialog(props: { title: string; message: string; confirmLabel: string; onConfirm: () => void; onClose: () => void }) {
  return (
    <Modal
      title={props.title}
      testId="confirm-dialog"
      onClose={props.onClose}
      onSubmit={() => {
        props.onConfirm()
        props.onClose()
      }}
      footer={
        <button type="submit" class="button button-primary routing-danger-button" data-testid="confirm-dialog-ok">
          {props.confirmLabel}
        </button>
      }
    >
      <p class="routing-confirm-text">{props.message}</p>
    </Modal>
  )
}
