/** Word lists for the tenant's CSAM, WAS and PC data (plausible, not real products or controls). */

/** Tags shared by CSAM assets, WAS web apps and PC policy scopes (one tag catalog per subscription). */
export const TAGS = [
  { id: 7531, name: "Production", color: 0xd32f2f, impact: "HIGH", score: 5 },
  { id: 7532, name: "Staging", color: 0xf57c00, impact: "MEDIUM", score: 3 },
  { id: 7533, name: "PCI", color: 0x7b1fa2, impact: "HIGH", score: 5 },
  { id: 7534, name: "Internet Facing", color: 0xc2185b, impact: "HIGH", score: 4 },
  { id: 7535, name: "Finance", color: 0x388e3c, impact: "MEDIUM", score: 3 },
  { id: 7536, name: "Lab", color: 0x1976d2, impact: "LOW", score: 1 },
  { id: 7537, name: "Decommissioned", color: 0x616161, impact: "LOW", score: 1 },
  { id: 7538, name: "Cloud Agent", color: 0x0097a7, impact: "MEDIUM", score: 2 },
] as const;

export type Family = "Windows" | "Linux";

/** The OS family PC policies evaluate (others, e.g. macOS, Cisco IOS, ESXi: none) and its PC technology. */
export function technologyOf(os: string): { family: Family; id: number; name: string } | undefined {
  const table: [RegExp, Family, number, string][] = [
    [/Windows Server 2022/, "Windows", 381, "Windows Server 2022"],
    [/Windows Server 2019/, "Windows", 330, "Windows Server 2019"],
    [/Windows Server 2016/, "Windows", 286, "Windows Server 2016"],
    [/Windows 11/, "Windows", 391, "Windows 11"],
    [/Windows 10/, "Windows", 251, "Windows 10"],
    [/Red Hat Enterprise Linux 9/, "Linux", 399, "Red Hat Enterprise Linux 9.x"],
    [/Red Hat Enterprise Linux 8/, "Linux", 331, "Red Hat Enterprise Linux 8.x"],
    [/Ubuntu 22/, "Linux", 392, "Ubuntu 22.x"],
    [/Ubuntu 20/, "Linux", 337, "Ubuntu 20.x"],
    [/Debian/, "Linux", 405, "Debian 12.x"],
    [/Amazon Linux/, "Linux", 410, "Amazon Linux 2023"],
    [/CentOS/, "Linux", 160, "CentOS 7.x"],
    [/SUSE/, "Linux", 302, "SUSE Linux Enterprise Server 15"],
    [/Oracle Linux/, "Linux", 334, "Oracle Linux 8.x"],
  ];
  const hit = table.find(([re]) => re.test(os));
  return hit && { family: hit[1], id: hit[2], name: hit[3] };
}

export const POLICY_TITLES: Record<Family, readonly string[]> = {
  Linux: ["CIS Benchmark for Linux (Level 1)", "Linux Server Hardening Baseline", "PCI DSS v4.0 for Linux"],
  Windows: ["CIS Benchmark for Windows Server (Level 1)", "Windows Server Security Baseline", "PCI DSS v4.0 for Windows"],
};

export const CONTROL_SETTINGS: Record<Family, readonly string[]> = {
  Linux: [
    "the 'PASS_MAX_DAYS' setting in /etc/login.defs",
    "the 'PermitRootLogin' setting in sshd_config",
    "permissions on /etc/shadow",
    "the 'net.ipv4.ip_forward' kernel parameter",
    "the auditd service",
    "the 'nodev' option on /tmp",
    "the 'MaxAuthTries' setting in sshd_config",
    "the sudo log file setting",
    "the 'umask' default for users",
    "the rsyslog service",
    "the 'fs.suid_dumpable' kernel parameter",
    "world-writable files",
  ],
  Windows: [
    "the 'Minimum password length' policy",
    "the 'Account lockout threshold' policy",
    "the 'Audit Logon' subcategory",
    "the 'Windows Firewall: Domain: Firewall state' setting",
    "the SMBv1 server feature",
    "the 'Interactive logon: Machine inactivity limit' setting",
    "the 'Remote Desktop Services: Require secure RPC' setting",
    "the 'Guest account status'",
    "the 'LAN Manager authentication level' setting",
    "the 'Turn off Autoplay' setting",
    "the 'Windows Defender real-time protection' setting",
    "the 'Network access: Do not allow anonymous enumeration' setting",
  ],
};

export const CRITICALITIES = [
  { label: "MINIMAL", value: 1 },
  { label: "MEDIUM", value: 2 },
  { label: "SERIOUS", value: 3 },
  { label: "CRITICAL", value: 4 },
  { label: "URGENT", value: 5 },
] as const;

/** Database instances of multi-instance controls, per family. */
export const INSTANCES: Record<Family, readonly string[]> = {
  Linux: ["PostgreSQL 15:1:5432:main", "PostgreSQL 15:1:5433:reports"],
  Windows: ["MSSQL 2019:1:1433:MSSQLSERVER", "MSSQL 2019:1:1434:REPORTS"],
};

/** Installed software per OS family: name, publisher, versions in release order. */
export const SOFTWARE: Record<Family | "Other", readonly { name: string; publisher: string; versions: readonly string[] }[]> = {
  Windows: [
    { name: "Microsoft Edge", publisher: "Microsoft", versions: ["124.0.2478.51", "125.0.2535.67", "126.0.2592.56", "127.0.2651.74"] },
    { name: "Google Chrome", publisher: "Google", versions: ["124.0.6367.91", "125.0.6422.60", "126.0.6478.126", "127.0.6533.72"] },
    { name: "7-Zip", publisher: "Igor Pavlov", versions: ["23.01", "24.05", "24.07", "24.08"] },
    { name: "Microsoft SQL Server 2019", publisher: "Microsoft", versions: ["15.0.4345.5", "15.0.4360.2", "15.0.4375.4", "15.0.4385.2"] },
    { name: "Notepad++", publisher: "Notepad++ Team", versions: ["8.6.4", "8.6.7", "8.6.9", "8.7"] },
    { name: "Oracle Java SE Runtime", publisher: "Oracle", versions: ["8u401", "8u411", "8u421", "8u431"] },
    { name: "Microsoft Office LTSC 2021", publisher: "Microsoft", versions: ["16.0.14332.20706", "16.0.14332.20721", "16.0.14332.20736", "16.0.14332.20763"] },
    { name: "VMware Tools", publisher: "VMware", versions: ["12.3.5", "12.4.0", "12.4.5", "12.5.0"] },
    { name: "Mozilla Firefox", publisher: "Mozilla", versions: ["125.0.3", "126.0.1", "127.0.2", "128.0.3"] },
    { name: "PuTTY", publisher: "Simon Tatham", versions: ["0.79", "0.80", "0.81", "0.82"] },
  ],
  Linux: [
    { name: "openssl", publisher: "OpenSSL Project", versions: ["3.0.2", "3.0.13", "3.0.14", "3.0.15"] },
    { name: "openssh-server", publisher: "OpenBSD", versions: ["8.9p1", "9.3p1", "9.6p1", "9.8p1"] },
    { name: "nginx", publisher: "F5", versions: ["1.24.0", "1.25.5", "1.26.1", "1.26.2"] },
    { name: "postgresql", publisher: "PostgreSQL Global Development Group", versions: ["15.6", "15.7", "15.8", "15.10"] },
    { name: "python3", publisher: "Python Software Foundation", versions: ["3.10.12", "3.11.9", "3.11.10", "3.12.7"] },
    { name: "sudo", publisher: "Todd C. Miller", versions: ["1.9.9", "1.9.13", "1.9.15", "1.9.16"] },
    { name: "curl", publisher: "curl project", versions: ["7.81.0", "8.5.0", "8.9.1", "8.10.1"] },
    { name: "glibc", publisher: "GNU", versions: ["2.35", "2.36", "2.38", "2.39"] },
    { name: "docker-ce", publisher: "Docker", versions: ["25.0.5", "26.1.4", "27.1.1", "27.3.1"] },
    { name: "rsyslog", publisher: "Adiscon", versions: ["8.2112.0", "8.2306.0", "8.2406.0", "8.2410.0"] },
  ],
  Other: [
    { name: "Firmware", publisher: "Vendor", versions: ["1.0.4", "1.0.7", "1.1.2", "1.2.0"] },
    { name: "SNMP agent", publisher: "Net-SNMP", versions: ["5.9.1", "5.9.3", "5.9.4", "5.9.4.pre2"] },
  ],
};

/** Assets CSAM knows without a VM host: what found them and what they run. */
export const EXTRA_KINDS = [
  { source: "Passive Sensor", prefix: "iot", os: "Embedded Linux 4.19", type: "HOST" },
  { source: "AWS Connector", prefix: "ec2", os: "Amazon Linux 2023", type: "HOST" },
  { source: "Azure Connector", prefix: "vm", os: "Windows Server 2022 Datacenter 64 bit Edition Version 21H2", type: "HOST" },
  { source: "Passive Sensor", prefix: "printer", os: "HP FutureSmart 5.7", type: "HOST" },
] as const;

/** WAS web application names and the vulnerability classes of their findings. */
export const WEBAPP_NAMES = ["Customer portal", "Shop", "Partner API", "Intranet wiki", "Payments gateway", "Status page", "Support desk", "Careers site", "Docs", "Admin console"] as const;
export const WEB_PARAMS = ["q", "id", "redirect", "page", "user", "sort", "token", "lang"] as const;
export const WEB_PATHS = ["/login", "/search", "/account/profile", "/api/v1/orders", "/cart", "/admin", "/reset-password", "/download"] as const;
