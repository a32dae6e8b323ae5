// ESLint flat config: typescript-eslint strict plus Pulumi's Output-safety rules, zero warnings.
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/", "**/node_modules/", "**/*.js", "**/*.mjs", "**/dist/", "examples/consumer/bin/"] },
    ...tseslint.configs.strict,
    {
        languageOptions: {
            // Type information is what lets the Pulumi rules see that a value is an Output.
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
        plugins: { "@pulumi": pulumi },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
            "@typescript-eslint/consistent-type-imports": "off",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
        },
    },
    {
        // Tests read provider inputs as loose JSON; `any` there is the honest type.
        files: ["test/**/*.ts", "**/*.test.ts", "bench/**/*.ts"],
        rules: {
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-non-null-assertion": "off",
            // Tests reset module caches and config maps by key.
            "@typescript-eslint/no-dynamic-delete": "off",
        },
    },
);
