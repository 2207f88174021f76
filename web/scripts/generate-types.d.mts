/** Types of generate-types.mjs, for the test that checks the generated file (test/web-types.test.ts). */
export declare const SCHEMA_FILE: string;
export declare const SOURCE_DIR: string;
export declare const OUTPUT_FILE: string;
/** The portal's marked documents, file by file in path order, with `${…}` splices removed. */
export declare function findDocuments(dir?: string): { file: string; source: string }[];
/** The contents of web/src/api/generated.ts; rejects when a document does not validate against the schema. */
export declare function generateTypes(schemaText?: string, sourceDir?: string): Promise<string>;
