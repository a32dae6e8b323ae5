import * as fs from "fs";
import * as path from "path";
import { Architecture } from "@polyarch/platform";
import { forEachFile } from "./files";

/**
 * ELF `e_machine` values (the System V gABI's registry) for the architectures polyarch builds.
 * This is what proves a native module's CPU: `config.architecture` is only a label.
 */
export const ELF_MACHINE: Readonly<Record<Architecture, number>> = { arm64: 183, x86_64: 62 };
const MACHINE_NAMES: Readonly<Record<number, string>> = { 183: "aarch64", 62: "x86-64", 3: "i386", 40: "arm" };

/** The ELF machine of a file, or undefined when it is not an ELF file. */
export function elfMachine(file: string): number | undefined {
    const header = Buffer.alloc(20);
    const fd = fs.openSync(file, "r");
    try {
        if (fs.readSync(fd, header, 0, 20, 0) < 20 || header.readUInt32BE(0) !== 0x7f454c46) {
            return undefined;
        }
    } finally {
        fs.closeSync(fd);
    }
    // EI_DATA (byte 5): 1 little-endian, 2 big-endian; e_machine is the half-word at offset 18.
    return header[5] === 2 ? header.readUInt16BE(18) : header.readUInt16LE(18);
}

export function machineName(machine: number): string {
    return MACHINE_NAMES[machine] ?? `machine ${machine}`;
}

/** Every ELF file under `roots` (relative paths from `base`) whose machine is not `arch`'s. */
export function foreignElfFiles(base: string, roots: string[], arch: Architecture): { elfCount: number; foreign: string[] } {
    const foreign: string[] = [];
    let elfCount = 0;
    for (const root of roots) {
        const dir = path.join(base, root);
        if (fs.existsSync(dir)) {
            forEachFile(dir, (file) => {
                const machine = elfMachine(file);
                if (machine !== undefined) {
                    elfCount++;
                    if (machine !== ELF_MACHINE[arch]) {
                        foreign.push(`${path.relative(base, file)} (${machineName(machine)})`);
                    }
                }
            });
        }
    }
    return { elfCount, foreign };
}
