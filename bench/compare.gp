# gnuplot: tamdemo --compare's CSV as VmSize, VmRSS and Committed_AS over
# the bytes written, one line per allocator.
#   gnuplot -e "csv='samples.csv'; png='compare.png'" bench/compare.gp
set datafile separator ','
set terminal pngcairo size 960,420 font 'sans,10'
set output png
set key bottom right box opaque
set grid
set xlabel 'written (MiB)'
set ylabel 'MiB'
set yrange [0:*]
mib = 1048576.0
sel(name, col) = strcol(1) eq name ? column(col) / mib : NaN
allocs = 'malloc calloc tamalloc'
set multiplot layout 1,3 title sprintf('tamdemo --compare: %.0f MiB per allocator', size_mib)
do for [col in '4 5 6'] {
	c = int(col)
	set title (c == 4 ? 'VmSize (reserved)' : c == 5 ? 'VmRSS (resident)' : 'Committed\_AS (system)')
	plot for [i = 1:3] csv skip 1 using ($3 / mib):(sel(word(allocs, i), c)) \
		with linespoints pt (i + 5) ps 0.6 lw 2 dt i title word(allocs, i)
}
unset multiplot
