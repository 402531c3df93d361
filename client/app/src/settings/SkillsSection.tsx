/**
 * Settings › Skills: what groups may require of the agents they are given chats to (a language,
 * a product). Removing a skill also takes it off every group and agent, in one document change.
 */
import { Show } from 'solid-js'
import { newId } from '../../../../shared/id.ts'
import { removeSkill } from '../../../../shared/routingEdits.ts'
import { putEntry } from '../../../../shared/settings.ts'
import { NamedList } from './NamedList.tsx'
import type { SectionProps } from './sections.ts'
import { SyncNote } from './SyncNote.tsx'
import './routing.css'

export function SkillsSection(props: SectionProps) {
  const settings = () => props.settings.value()
  const doc = () => props.settings.doc()

  function warning(skillId: string): string | null {
    const s = settings()
    if (!s) return null
    const groups = s.groups.filter((g) => g.skills.includes(skillId)).length
    const agents = s.members.filter((m) => m.skills.includes(skillId)).length
    const parts = [groups ? `${groups} group${groups === 1 ? '' : 's'} will stop requiring it` : '', agents ? `${agents} agent${agents === 1 ? '' : 's'} will lose it` : ''].filter(Boolean)
    return parts.length ? `${parts.join('; ')}.` : null
  }

  return (
    <div class="settings-section routing" data-testid="settings-skills">
      <div class="settings-heading">
        <h2 class="settings-title">Skills</h2>
        <SyncNote doc={props.settings} />
      </div>
      <p class="muted">Groups can require skills; agents get them under Members.</p>
      <Show when={settings()} fallback={<p class="muted">Loading the settings…</p>}>
        <NamedList
          what="skill"
          testId="skill"
          items={() => settings()?.skills}
          canEdit={props.canEdit}
          empty="No skills yet."
          add={(name) => doc() && putEntry(doc()!, 'skills', { id: newId(), name })}
          rename={(id, name) => doc() && putEntry(doc()!, 'skills', { id, name })}
          remove={(id) => doc() && removeSkill(doc()!, id)}
          removalWarning={warning}
        />
      </Show>
    </div>
  )
}
