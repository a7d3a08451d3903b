# The first seed page: WSL Child Process Anomaly, given as a file inside the corpus.
"$RDX" show ../shared/corpus/sigma/rules/windows/process_creation/proc_creation_win_wsl_child_processes_anomalies.yml -r ../shared/corpus/sigma -a ../shared/corpus/attack/enterprise-attack.json
