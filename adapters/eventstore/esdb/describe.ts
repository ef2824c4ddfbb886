/**
 * An EventStoreDB connection string for logs and messages: its scheme and hosts, never its user
 * or password (`esdb://admin:changeit@host:2113` names both).
 */
export function describeEventStore(connectionString: string): string {
  const match = /^([a-z+]+):\/\/(?:[^@/?]*@)?([^/?]*)/i.exec(connectionString);
  return match ? `${match[1]}://${match[2]}` : 'esdb://(unreadable connection string)';
}
