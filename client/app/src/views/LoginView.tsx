/** The sign-in form. Signing in needs the network; everything after it works offline. */
import { createSignal, Show } from 'solid-js'
import { SignInError } from '../../../data/session.ts'
import { useSession } from '../session.tsx'

export function LoginView() {
  const { signIn } = useSession()
  const [email, setEmail] = createSignal('')
  const [password, setPassword] = createSignal('')
  const [error, setError] = createSignal<string | null>(null)
  const [busy, setBusy] = createSignal(false)

  async function onSubmit(e: SubmitEvent) {
    e.preventDefault()
    if (busy()) return
    setError(null)
    setBusy(true)
    try {
      await signIn(email().trim(), password())
    } catch (err) {
      setError(err instanceof SignInError ? err.message : 'Sign-in failed, try again')
    } finally {
      setBusy(false)
    }
  }

  return (
    <main class="login">
      <form class="login-card" onSubmit={onSubmit} noValidate>
        <h1 class="login-title">Parley</h1>
        <p class="login-subtitle">Sign in to answer your customers.</p>
        <label class="field">
          <span>Email</span>
          <input
            type="email"
            name="email"
            autocomplete="username"
            inputmode="email"
            required
            data-testid="login-email"
            value={email()}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span>Password</span>
          <input
            type="password"
            name="password"
            autocomplete="current-password"
            required
            data-testid="login-password"
            value={password()}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <Show when={error()}>
          <p class="login-error" role="alert" data-testid="login-error">
            {error()}
          </p>
        </Show>
        <button type="submit" class="button button-primary button-block" data-testid="login-submit" disabled={busy()}>
          {busy() ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  )
}
