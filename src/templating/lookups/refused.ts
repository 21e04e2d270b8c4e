// A lookup Drover knows and will not run: its error is not softened by errors=ignore/warn.
/** Raised by refused lookups (url). */
export class RefusedLookup extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedLookup';
  }
}
