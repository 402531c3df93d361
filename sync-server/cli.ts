/**
 * What the operator commands (`npm run backup`, `restore`, `migrate-to-postgres`) share: a
 * mistake of the person running one is said in one line and exits 2; anything else exits 1.
 */

/** A mistake of the person running the command: one line, exit code 2, no stack. */
export class UserError extends Error {}

/** Runs a command to its end and exits: 0 when done, 2 on a UserError, 1 on anything else. */
export function runCommand(name: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      if (err instanceof UserError) {
        console.error(`parley: ${err.message}`)
        process.exit(2)
      }
      console.error(`parley: ${name} failed: ${err instanceof Error ? err.message : String(err)}`)
      process.exit(1)
    },
  )
}
