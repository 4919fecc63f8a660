#!/bin/bash
# run.sh LIST TAG : runs the driver over LIST, restarting after crashes; crashes -> crashes_TAG.txt
list=$1; tag=$2
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:allocator_may_return_null=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
rest=$list.rest; cp $list $rest
: > crashes_$tag.txt
while [ -s $rest ]; do
  timeout 600 ./driver < $rest > /dev/null 2> log_$tag.txt
  rc=$?
  [ $rc -eq 0 ] && break
  last=$(grep '^FILE ' log_$tag.txt | tail -1 | cut -c6-)
  echo "$rc $last" >> crashes_$tag.txt
  grep -E "ERROR: |runtime error|INVALID|EMPTY|SUMMARY" log_$tag.txt | head -3 >> crashes_$tag.txt
  cp log_$tag.txt "crash_logs/$(basename "$last").log" 2>/dev/null
  n=$(grep -nxF "$last" $rest | head -1 | cut -d: -f1)
  [ -z "$n" ] && break
  tail -n +$((n+1)) $rest > $rest.tmp && mv $rest.tmp $rest
done
echo finished >> crashes_$tag.txt
