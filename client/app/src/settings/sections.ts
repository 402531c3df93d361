/**
 * The sections of the settings page, in the order of its navigation. Each section is its own
 * component in this folder and receives the live settings and templates documents.
 */
import { lazy, type Component } from 'solid-js'
import type { Settings, Template } from '../../../../shared/settings.ts'
import { AgentsSection } from './AgentsSection.tsx'
import { BotSection } from './BotSection.tsx'
import { ChannelsSection } from './ChannelsSection.tsx'
import { GroupsSection } from './GroupsSection.tsx'
import { HoursSection } from './HoursSection.tsx'
import { MembersSection } from './MembersSection.tsx'
import { ScriptsSection } from './ScriptsSection.tsx'
import { SkillsSection } from './SkillsSection.tsx'
import type { LiveDocument } from './settingsDoc.ts'
import { TagsSection } from './TagsSection.tsx'
import { TemplatesSection } from './TemplatesSection.tsx'
import { WidgetSection } from './WidgetSection.tsx'
import { WorkspaceSection } from './WorkspaceSection.tsx'

export interface SectionProps {
  settings: LiveDocument<Settings>
  templates: LiveDocument<Template[]>
  /** Whether this agent may edit the settings document (admins). */
  canEdit: boolean
}

export interface Section {
  /** The path segment: `/settings/<id>`. */
  id: string
  label: string
  /** Shown only to admins; the others (templates) are shown to every agent. */
  adminOnly: boolean
  component: Component<SectionProps>
}

export const SECTIONS: Section[] = [
  { id: 'agents', label: 'Agents', adminOnly: true, component: AgentsSection },
  { id: 'groups', label: 'Teams & groups', adminOnly: true, component: GroupsSection },
  { id: 'members', label: 'Members', adminOnly: true, component: MembersSection },
  { id: 'skills', label: 'Skills', adminOnly: true, component: SkillsSection },
  { id: 'hours', label: 'Working hours', adminOnly: true, component: HoursSection },
  { id: 'scripts', label: 'Scripts', adminOnly: true, component: ScriptsSection },
  { id: 'widget', label: 'Widget', adminOnly: true, component: WidgetSection },
  { id: 'bot', label: 'Bot', adminOnly: true, component: BotSection },
  // Its own chunk: the message checks bring the validator, which no other view needs.
  { id: 'proactive', label: 'Proactive messages', adminOnly: true, component: lazy(() => import('./ProactiveSection.tsx')) },
  { id: 'channels', label: 'Channels', adminOnly: true, component: ChannelsSection },
  { id: 'tags', label: 'Tags', adminOnly: true, component: TagsSection },
  { id: 'templates', label: 'Templates', adminOnly: false, component: TemplatesSection },
  { id: 'workspace', label: 'Workspace', adminOnly: true, component: WorkspaceSection },
]
