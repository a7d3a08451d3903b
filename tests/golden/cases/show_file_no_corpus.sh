# A rule file outside any corpus, without ATT&CK data: ids shown as tagged, no counts.
"$RDX" show examples/rules/proc_creation_win_powershell_encoded_download.yml --no-attack
