/*
 * bench/data/sigbase-style.yar - a rule set written for the benchmark in
 * the style of the community sets incident responders load into LOKI and
 * THOR (signature-base is not available offline here): many small rules
 * with ascii/wide/nocase strings, hex strings with jumps, magic-number
 * and filesize guards, and conditions on the LOKI/THOR external variables
 * filename, filepath, extension, filetype and owner. It is for measuring
 * speed against yara on the same tree, not for detection: the strings
 * are made up or generic.
 */

/* ---- hack tools, by strings in PE files ------------------------------- */

rule HKTL_Credential_Dumper_Strings {
    meta: description = "credential dumping tool strings" author = "canhgac bench" score = 75
    strings:
        $s1 = "sekurlsa::logonpasswords" ascii wide nocase
        $s2 = "lsadump::sam" ascii wide nocase
        $s3 = "privilege::debug" ascii wide
        $s4 = "kerberos::golden" ascii wide
        $x1 = "canhgac-bench-dumper" ascii
    condition: uint16(0) == 0x5a4d and filesize < 3MB and (2 of ($s*) or $x1)
}

rule HKTL_Remote_Exec_Service {
    meta: description = "remote execution service names" score = 60
    strings:
        $a1 = "PSEXESVC" ascii wide
        $a2 = "RemComSvc" ascii wide
        $a3 = "\\\\.\\pipe\\RemCom_communicaton" ascii
        $b1 = "ADMIN$" ascii wide
    condition: uint16(0) == 0x5a4d and filesize < 1MB and 1 of ($a*) and $b1
}

rule HKTL_Port_Scanner_Generic {
    meta: description = "port scanner usage strings" score = 50
    strings:
        $u1 = "Usage: %s <ip> <port-range>" ascii
        $u2 = "[+] Port %d open" ascii
        $u3 = "SYN scan" ascii nocase
    condition: filesize < 800KB and 2 of them
}

rule HKTL_Tunnel_Tool {
    meta: description = "socks/tunnel tool strings" score = 60
    strings:
        $s1 = "reverse socks5 tunnel" ascii nocase
        $s2 = "--lhost" ascii
        $s3 = "chisel" ascii fullword
        $s4 = { 05 01 00 ?? ?? ?? ?? ?? 00 50 }
    condition: (uint16(0) == 0x5a4d or uint32(0) == 0x464c457f) and 2 of them
}

/* ---- externals: names and places --------------------------------------- */

rule SUSP_Svchost_Wrong_Location {
    meta: description = "svchost.exe outside System32" score = 65
    condition: uint16(0) == 0x5a4d and filename == "svchost.exe" and not filepath contains "System32"
}

rule SUSP_Lsass_Name_Lookalike {
    meta: description = "look-alike of lsass.exe" score = 70
    condition: uint16(0) == 0x5a4d and (filename == "lsas.exe" or filename == "lsasss.exe" or filename == "isass.exe")
}

rule SUSP_Executable_With_Image_Extension {
    meta: description = "executable content behind an image extension" score = 60
    condition: filetype == "EXE" and (extension == ".jpg" or extension == ".png" or extension == ".gif")
}

rule SUSP_ELF_In_Tmp {
    meta: description = "ELF binary under a temp directory" score = 50
    condition: filetype == "ELF" and (filepath startswith "/tmp" or filepath startswith "/var/tmp" or filepath startswith "/dev/shm")
}

rule SUSP_Script_In_Upload_Dir {
    meta: description = "server script in an upload directory" score = 55
    condition: (extension == ".php" or extension == ".phtml" or extension == ".jsp" or extension == ".aspx")
        and (filepath contains "/uploads" or filepath contains "/upload/" or filepath contains "/images")
}

rule SUSP_Web_Root_Owned_By_Root {
    meta: description = "web script owned by root in a web root" score = 40
    condition: owner == "root" and extension == ".php" and filepath contains "/var/www"
}

rule SUSP_Double_Extension {
    meta: description = "double extension" score = 50
    condition: filename matches /\.(pdf|doc|docx|xls|jpg)\.(exe|scr|js|vbs)$/i
}

rule SUSP_Archive_Named_Like_Document {
    meta: description = "archive named like a document" score = 35
    condition: (filetype == "ZIP" or filetype == "RAR" or filetype == "7Z") and (extension == ".pdf" or extension == ".doc")
}

/* ---- web shells, generic -------------------------------------------------- */

rule WEBSHELL_PHP_Generic_Eval_Input {
    meta: description = "PHP evaluates request input" score = 80
    strings:
        $e1 = /eval\s*\(\s*\$_(POST|GET|REQUEST|COOKIE)\[/ nocase
        $e2 = /assert\s*\(\s*\$_(POST|GET|REQUEST)\[/ nocase
        $php = "<?php" nocase
    condition: filesize < 500KB and $php and 1 of ($e*)
}

rule WEBSHELL_PHP_Packed_Base64 {
    meta: description = "packed PHP payload" score = 70
    strings:
        $d1 = "eval(gzinflate(base64_decode(" ascii nocase
        $d2 = "eval(gzuncompress(base64_decode(" ascii nocase
        $d3 = "eval(str_rot13(" ascii nocase
        $d4 = "eval(base64_decode(strrev(" ascii nocase
    condition: filesize < 1MB and 1 of them
}

rule WEBSHELL_PHP_FileManager_Markers {
    meta: description = "file manager shell markers" score = 75
    strings:
        $m1 = "FilesMan" ascii
        $m2 = "Safe_Mode Bypass" ascii nocase
        $m3 = "Upload file:" ascii
        $m4 = "Command execute" ascii nocase
        $m5 = "uname -a" ascii
    condition: filesize < 400KB and 3 of them
}

rule WEBSHELL_JSP_Runtime_Exec {
    meta: description = "JSP runs request input" score = 80
    strings:
        $r1 = "Runtime.getRuntime().exec(request.getParameter(" ascii
        $r2 = "new ProcessBuilder(" ascii
        $q = "request.getParameter(" ascii
    condition: filesize < 300KB and ($r1 or ($r2 and $q))
}

rule WEBSHELL_ASPX_Process_Start {
    meta: description = "ASPX starts a process with request input" score = 80
    strings:
        $p1 = "System.Diagnostics.Process" ascii nocase
        $p2 = "Request.Form[" ascii nocase
        $p3 = "Request.QueryString[" ascii nocase
        $p4 = "cmd.exe" ascii nocase
    condition: filesize < 300KB and $p1 and ($p2 or $p3) and $p4
}

rule WEBSHELL_ASP_Eval_Request {
    meta: description = "classic ASP eval of request" score = 80
    strings:
        $a1 = "eval request(" ascii nocase
        $a2 = "execute request(" ascii nocase
        $a3 = "executeglobal request(" ascii nocase
    condition: filesize < 200KB and 1 of them
}

rule WEBSHELL_Chopper_Style_Oneliner {
    meta: description = "one-line shell" score = 85
    strings:
        $c1 = /<%@\s*Page\s+Language\s*=\s*"Jscript"\s*%>\s*<%\s*eval\(/ nocase
        $c2 = /<\?php\s+@?eval\(\$_POST\[/ nocase
    condition: filesize < 4KB and 1 of them
}

/* ---- malware families, hex and wide strings ----------------------------- */

rule MAL_Backdoor_Config_Block {
    meta: description = "backdoor configuration block" score = 75
    strings:
        $cfg = { 43 47 42 44 [0-16] 00 00 ?? ?? 00 00 [4] 68 74 74 70 }
        $ua = "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; canhgac)" ascii wide
    condition: uint16(0) == 0x5a4d and filesize < 2MB and any of them
}

rule MAL_Ransom_Note_Strings {
    meta: description = "ransom note wording" score = 70
    strings:
        $n1 = "All your files have been encrypted" ascii wide nocase
        $n2 = "send bitcoin to" ascii wide nocase
        $n3 = "decryptor will be sent" ascii wide nocase
    condition: filesize < 200KB and 2 of them
}

rule MAL_Miner_Config {
    meta: description = "coin miner configuration" score = 60
    strings:
        $p1 = "stratum+tcp://" ascii
        $p2 = "\"donate-level\"" ascii
        $p3 = "\"randomx\"" ascii
    condition: 2 of them
}

rule MAL_Dropper_Embedded_PE {
    meta: description = "PE inside a non-PE file past the header" score = 45
    strings:
        $mz = { 4D 5A 90 00 03 00 00 00 04 00 00 00 FF FF }
    condition: uint16(0) != 0x5a4d and filesize < 5MB and $mz in (1024..filesize) and extension != ".dll" and extension != ".exe"
}

rule MAL_Powershell_Downloader {
    meta: description = "PowerShell download-and-run" score = 70
    strings:
        $d1 = "DownloadString(" ascii wide nocase
        $d2 = "IEX (" ascii wide nocase
        $d3 = "-EncodedCommand" ascii wide nocase
        $d4 = "FromBase64String(" ascii wide nocase
    condition: filesize < 1MB and 2 of them
}

rule MAL_VBS_Dropper {
    meta: description = "VBScript dropper" score = 65
    strings:
        $v1 = "CreateObject(\"WScript.Shell\")" ascii nocase
        $v2 = "CreateObject(\"ADODB.Stream\")" ascii nocase
        $v3 = ".SaveToFile" ascii nocase
    condition: (extension == ".vbs" or extension == ".vbe" or extension == ".hta") and 2 of them
}

rule MAL_Linux_Backdoor_Strings {
    meta: description = "Linux backdoor strings" score = 70
    strings:
        $l1 = "/bin/sh -i" ascii
        $l2 = "setsid" ascii fullword
        $l3 = "HISTFILE=/dev/null" ascii
        $l4 = "canhgac-bench-implant" ascii
    condition: uint32(0) == 0x464c457f and filesize < 5MB and (3 of them or $l4)
}

rule APT_Tooling_Mutex {
    meta: description = "mutex names of an intrusion set" score = 80
    strings:
        $m1 = "Global\\CanhgacBenchMutex" ascii wide
        $m2 = "Local\\{3F2504E0-4F89-11D3-9A0C-0305E82C3301}" ascii wide
    condition: uint16(0) == 0x5a4d and any of them
}

rule APT_Exfil_Staging_Names {
    meta: description = "staging archive names" score = 55
    condition: (filetype == "RAR" or filetype == "7Z" or filetype == "ZIP") and filename matches /^(temp|tmp|bak)[0-9]{2,4}\.(rar|7z|zip)$/
}

/* ---- exploits and documents --------------------------------------------- */

rule EXPL_Office_Remote_Template {
    meta: description = "remote template in an Office document" score = 60
    strings:
        $t1 = "attachedTemplate" ascii
        $t2 = "TargetMode=\"External\"" ascii
    condition: filetype == "ZIP" and all of them
}

rule EXPL_PDF_Launch_Action {
    meta: description = "PDF with a launch action" score = 55
    strings:
        $l1 = "/Launch" ascii
        $l2 = "/JavaScript" ascii
        $l3 = "/OpenAction" ascii
    condition: filetype == "PDF" and 2 of them
}

rule EXPL_Log4Shell_Pattern {
    meta: description = "JNDI lookup pattern" score = 60
    strings:
        $j1 = "${jndi:ldap://" ascii nocase
        $j2 = "${jndi:rmi://" ascii nocase
        $j3 = "${${lower:j}ndi:" ascii nocase
    condition: 1 of them
}

rule EXPL_Webshell_Upload_Htaccess {
    meta: description = ".htaccess making images run as PHP" score = 65
    strings:
        $h1 = "AddType application/x-httpd-php .jpg" ascii nocase
        $h2 = "AddHandler php-script .png" ascii nocase
        $h3 = "SetHandler application/x-httpd-php" ascii nocase
    condition: filename == ".htaccess" and 1 of them
}
