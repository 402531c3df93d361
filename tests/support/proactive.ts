/** The proactive message of the example, as an admin or an integration sends it. */
export const SALES_INVITATION = {
  name: 'Sales invitation',
  onset: { kind: 'attributes', match: 'all', rules: [{ field: 'url', op: 'contains', value: '/pricing' }, { field: 'timeOnPage', op: '>=', value: 30 }] },
  message: { fromName: 'Northwind', teamId: null, text: 'Need help choosing?', presentation: 'popup' },
  routeTo: { teamId: 'sales' },
  qualify: { workingHours: false, agentAvailability: true, slotsLeft: false },
  frequency: { per: 'visitor', stopAfterReply: true },
}
