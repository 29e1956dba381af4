/** Access control & isolation facts of a host (libvirt daemons, remote access, SASL, qemu.conf, LSM, swtpm). */
export interface AccessFacts {}
