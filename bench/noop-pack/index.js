// What every policy pack costs before its rules: @pulumi/policy's server answering the engine's
// Remediate, Analyze and AnalyzeStack calls, with rules that do nothing (a pack needs one).
const { PolicyPack } = require("@pulumi/policy");

new PolicyPack("noop", {
    policies: [
        { name: "noop-resource", description: "Checks nothing.", enforcementLevel: "advisory", validateResource: () => undefined },
        { name: "noop-stack", description: "Checks nothing.", enforcementLevel: "advisory", validateStack: () => undefined },
    ],
});
