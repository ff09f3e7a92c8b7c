/** A translation into plain text: chart labels and CSV headers are not parsed as HTML, so nothing is escaped. */
export type PlainTranslate = (key: string, variables?: Record<string, string | number>) => string;
