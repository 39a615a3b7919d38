# gnuplot: the plots of docs/benchmarks.md, from the data files that
# bench/benchmarks.py writes (one block a run; the blocks' titles in the arrays ptitle and ctitle).
#   procs: processes  vm_stats(0)  mem_stats()  /proc-walk   (ms a call)
#   cpus:  vCPUs      vm_stats(0)  mem_stats()  /proc-walk   (ns a process)
# Under icount, 1 ns is one guest instruction.
#   gnuplot -e "array ptitle[1] = ['6.12']; array ctitle[1] = ['6.12'];
#               procs='procs.dat'; nprocs=1; cpus='cpus.dat'; ncpus=1; \
#               procs_png='p.png'; cpus_png='c.png'" bench/benchmarks.gp
set terminal pngcairo size 960,560 font 'sans,10' noenhanced
set key box opaque
set grid
measures = 'vm_stats(0) mem_stats() /proc_walk'
mtitle(i) = i == 3 ? '/proc walk' : word(measures, i)

set output procs_png
set title 'One call against the processes it covers'
set logscale xy
set xlabel 'processes'
set key inside right bottom
set ylabel 'ms a call (icount: million instructions)'
set format y '%g'
plot for [b = 0:nprocs - 1] for [m = 1:3] procs index b using 1:(column(m + 1)) \
	with linespoints lc m dt b + 1 pt (6 + b) ps 0.8 lw 2 \
	title sprintf('%s, %s', mtitle(m), ptitle[b + 1])

set output cpus_png
set title 'Cost per process against the vCPUs'
unset logscale
set logscale x 2
set logscale y
set xrange [1:128]
set xtics (1, 2, 4, 8, 16, 32, 64)
set xlabel 'vCPUs'
set key inside right center
set ylabel 'ns a process (icount: instructions)'
if (ncpus > 0) {
	plot for [b = 0:ncpus - 1] for [m = 1:3] cpus index b using 1:(column(m + 1)) \
		with linespoints lc m dt b + 1 pt (6 + b) ps 1.2 lw 2 \
		title sprintf('%s, %s', mtitle(m), ctitle[b + 1])
}
