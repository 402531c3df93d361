/**
 * The sections of the settings page, in the order of its navigation. Each section is its own
 * component in this folder and receives the live settings and templates documents.
 */
import type { Component } from 'solid-js'
import type { Settings, Template } from '../../../../shared/settings.ts'
import { AgentsSection } from './AgentsSection.tsx'
import type { LiveDocument } from './settingsDoc.ts'
import { TagsSection } from './TagsSection.tsx'
import { TemplatesSection } from './TemplatesSection.tsx'
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
  { id: 'tags', label: 'Tags', adminOnly: true, component: TagsSection },
  { id: 'templates', label: 'Templates', adminOnly: false, component: TemplatesSection },
  { id: 'workspace', label: 'Workspace', adminOnly: true, component: WorkspaceSection },
]
