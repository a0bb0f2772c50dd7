/** Word lists the synthetic tenant draws its values from (plausible, not real products or QIDs). */

export const OPERATING_SYSTEMS = [
  "Windows Server 2022 Datacenter 64 bit Edition Version 21H2",
  "Windows Server 2019 Standard 64 bit Edition Version 1809",
  "Windows Server 2016 Datacenter 64 bit Edition Version 1607",
  "Windows 11 Enterprise 64 bit Edition Version 23H2",
  "Windows 10 Enterprise 64 bit Edition Version 22H2",
  "Red Hat Enterprise Linux 9.4",
  "Red Hat Enterprise Linux 8.10",
  "Ubuntu 22.04.4 LTS",
  "Ubuntu 20.04.6 LTS",
  "Debian GNU/Linux 12.5",
  "Amazon Linux 2023",
  "CentOS Linux 7.9.2009",
  "SUSE Linux Enterprise Server 15 SP5",
  "Oracle Linux 8.9",
  "macOS 14.4",
  "Cisco IOS XE 17.9",
  "VMware ESXi 8.0 U2",
] as const;

export const TRACKING_METHODS = ["IP", "IP", "IP", "DNS", "NETBIOS", "AGENT", "AGENT", "EC2"] as const;

export const DOMAINS = ["corp.example", "dmz.example", "lab.example", "eu.corp.example"] as const;

export const HOST_ROLES = ["web", "app", "db", "files", "mail", "dc", "build", "cache", "vpn", "ws", "k8s", "log"] as const;

export const CATEGORIES = [
  "Windows",
  "Local",
  "Web server",
  "Security Policy",
  "Ubuntu",
  "RedHat",
  "Debian",
  "CGI",
  "Database",
  "General remote services",
  "SUSE",
  "OEL",
  "Amazon Linux",
  "Office Application",
  "Internet Explorer",
  "Hardware",
  "Information gathering",
  "TCP/IP",
] as const;

export const PRODUCTS = [
  "OpenSSL",
  "Apache HTTP Server",
  "nginx",
  "OpenSSH",
  "Microsoft Windows Kernel",
  "Microsoft Office",
  "Microsoft Edge",
  "Google Chrome",
  "Mozilla Firefox",
  "PostgreSQL",
  "MySQL",
  "Oracle Java SE",
  "glibc",
  "sudo",
  "curl",
  "Samba",
  "BIND",
  "Exim",
  "Tomcat",
  "Node.js",
  "Python",
  "VMware Tools",
  "Cisco IOS XE",
  "Linux Kernel",
] as const;

export const FLAWS = [
  "Remote Code Execution Vulnerability",
  "Privilege Escalation Vulnerability",
  "Denial of Service Vulnerability",
  "Information Disclosure Vulnerability",
  "Security Update Missing",
  "Multiple Vulnerabilities",
  "Buffer Overflow Vulnerability",
  "Use-After-Free Vulnerability",
  "Authentication Bypass Vulnerability",
  "Cross-Site Scripting Vulnerability",
] as const;

export const IG_TITLES = [
  "Open TCP Services List",
  "Operating System Detected",
  "Installed Applications Enumerated From Windows Installer",
  "Host Uptime Based on TCP TimeStamp Option",
  "Traceroute",
  "SSL Certificate - Information",
  "DNS Host Name",
  "Network Adapter MAC Address",
] as const;

/** Port, protocol, SSL and the service name Qualys prints for it. */
export const SERVICES = [
  { port: 443, protocol: "tcp", ssl: true, service: "https" },
  { port: 80, protocol: "tcp", ssl: false, service: "http" },
  { port: 22, protocol: "tcp", ssl: false, service: "ssh" },
  { port: 3389, protocol: "tcp", ssl: true, service: "ms-wbt-server" },
  { port: 445, protocol: "tcp", ssl: false, service: "microsoft-ds" },
  { port: 5432, protocol: "tcp", ssl: false, service: "postgresql" },
  { port: 3306, protocol: "tcp", ssl: false, service: "mysql" },
  { port: 8443, protocol: "tcp", ssl: true, service: "https-alt" },
  { port: 53, protocol: "udp", ssl: false, service: "domain" },
  { port: 161, protocol: "udp", ssl: false, service: "snmp" },
] as const;

export const VENDOR_PREFIXES = ["MS", "RHSA", "USN", "DSA", "ALAS", "SUSE-SU", "ELSA", "cisco-sa"] as const;
