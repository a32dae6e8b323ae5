/**
 * The platform catalog, from @polyarch/platform (its one source), re-exported so that
 * `@polyarch/components/platform` and the components' own imports keep working.
 */
export * from "@polyarch/platform";
