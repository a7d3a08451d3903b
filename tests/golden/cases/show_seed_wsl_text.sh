# needs: corpus
# The first seed page: WSL Child Process Anomaly, given as a file inside the corpus.
"$RDX" show "$CORPUS/sigma/rules/windows/process_creation/proc_creation_win_wsl_child_processes_anomalies.yml" -r "$CORPUS/sigma" -a "$CORPUS/attack/enterprise-attack.json"
