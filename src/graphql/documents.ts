import { getOperationAST, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';

/** One query text, parsed once; whether it passes validation is worked out when first asked. */
export class PreparedDocument {
  private validity: boolean | undefined;

  constructor(
    private readonly schema: GraphQLSchema,
    /** Null when the text does not parse (Apollo reports why). */
    readonly document: DocumentNode | null,
  ) {}

  /** graphql-js's validation rules, as Apollo applies them (Labgate adds none). */
  get valid(): boolean {
    return (this.validity ??= this.document !== null && validate(this.schema, this.document, specifiedRules).length === 0);
  }

  /** The operation a request names (or the only one), null when there is no such operation. */
  operation(name: unknown): OperationDefinitionNode | null {
    if (!this.document) return null;
    return getOperationAST(this.document, typeof name === 'string' ? name : undefined) ?? null;
  }
}

/**
 * Documents by query text, for what the endpoint decides before Apollo runs an operation (is it a
 * mutation, a rotation, within the query limits). Clients send the same few documents again and
 * again, so each is parsed and validated once; the least recently used go first past `capacity`
 * (a text is at most `MAX_QUERY_SIZE` characters, so the cache stays small).
 */
export class PreparedDocuments {
  private readonly entries = new Map<string, PreparedDocument>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly capacity = 256,
  ) {}

  get(query: string): PreparedDocument {
    let entry = this.entries.get(query);
    if (entry) {
      // Map keeps insertion order: moving the entry to the end marks it as just used.
      this.entries.delete(query);
    } else {
      let document: DocumentNode | null = null;
      try {
        document = parse(query);
      } catch {
        document = null;
      }
      entry = new PreparedDocument(this.schema, document);
      if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(query, entry);
    return entry;
  }
}
