/**
 * Writes cli/src/engine/aws-provider-schema.json from the installed @pulumi/aws SDK's declarations
 * (`npm run providers:schema`); see provider-schema.ts for what each entry means. Separate from it
 * so the gate's hot path never loads TypeScript.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { PACK_READS, ResourceSchemaFacts, SCHEMA_TABLE } from "../../cli/src/engine/provider-schema";

/** `aws:lambda/function:Function` → node_modules/@pulumi/aws/lambda/function.d.ts and class `Function`. */
function declarationOf(type: string): { file: string; className: string } {
    const [, module, resource, className] = /^aws:([a-zA-Z0-9]+)\/([a-zA-Z0-9]+):([A-Za-z0-9]+)$/.exec(type) ?? [];
    if (module === undefined) {
        throw new Error(`not an AWS resource type: ${type}`);
    }
    return { file: path.join(path.dirname(require.resolve("@pulumi/aws/package.json")), module, `${resource}.d.ts`), className };
}

function docOf(node: ts.Node): string {
    return ts.getJSDocCommentsAndTags(node).map((doc) => (typeof doc.comment === "string" ? doc.comment : "")).join(" ");
}

/** A literal default in the docs' words: "Defaults to `Zip`.", "Defaults to 128.", "Defaults to `false`". */
function documentedDefault(doc: string): string | number | boolean | undefined {
    const match = /Defaults? (?:to|is) (`[^`]+`|-?\d+(?:\.\d+)?)(?=[.,\s]|$)/.exec(doc);
    if (match === undefined || match === null) {
        return undefined;
    }
    const text = match[1].replace(/^`|`$/g, "");
    if (/^-?\d+(\.\d+)?$/.test(text)) {
        return Number(text);
    }
    if (text === "true" || text === "false") {
        return text === "true";
    }
    return /^[A-Za-z0-9_.:/-]+$/.test(text) ? text : undefined;
}

/** Reads one resource's facts from its SDK declaration. */
export function readResourceFacts(type: string): ResourceSchemaFacts {
    const { file, className } = declarationOf(type);
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const outputs = new Map<string, { optional: boolean }>();
    const inputs = new Map<string, { optional: boolean; doc: string }>();
    source.forEachChild((node) => {
        if (ts.isClassDeclaration(node) && node.name?.text === className) {
            for (const member of node.members) {
                if (ts.isPropertyDeclaration(member) && ts.isIdentifier(member.name) && member.type !== undefined) {
                    outputs.set(member.name.text, { optional: /\|\s*undefined>$/.test(member.type.getText(source)) });
                }
            }
        }
        if (ts.isInterfaceDeclaration(node) && node.name.text === `${className}Args`) {
            for (const member of node.members) {
                if (ts.isPropertySignature(member) && ts.isIdentifier(member.name)) {
                    inputs.set(member.name.text, { optional: member.questionToken !== undefined, doc: docOf(member) });
                }
            }
        }
    });
    if (outputs.size === 0 || inputs.size === 0) {
        throw new Error(`${file}: no class ${className} or interface ${className}Args`);
    }
    const facts: ResourceSchemaFacts = { defaults: {}, computed: [] };
    for (const [name, input] of [...inputs].sort(([a], [b]) => a.localeCompare(b))) {
        const output = outputs.get(name);
        if (!input.optional || output === undefined) {
            continue;
        }
        if (!output.optional) {
            facts.computed.push(name);
            continue;
        }
        const value = documentedDefault(input.doc);
        if (value !== undefined) {
            facts.defaults[name] = value;
        }
    }
    return facts;
}

/** The table for every type the pack reads, as `npm run providers:schema` writes it. */
export function generateSchemaTable(): Record<string, ResourceSchemaFacts> {
    return Object.fromEntries(PACK_READS.map((type) => [type, readResourceFacts(type)]));
}

if (require.main === module) {
    fs.writeFileSync(SCHEMA_TABLE, `${JSON.stringify(generateSchemaTable(), null, 2)}\n`);
    console.log(`wrote ${path.relative(process.cwd(), SCHEMA_TABLE)}`);
}
